using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Supervision.Ingest.Telemetry;
using Supervision.Server.Configuration;
using Supervision.Storage.Telemetry;
using Supervision.Streaming.Telemetry;

namespace Supervision.Server.Telemetry;

/// <summary>
/// OpenTelemetry for the host: the meters and activity sources of Ingest, Streaming and Storage, ASP.NET Core's own
/// (HTTP, Kestrel, SignalR connections), Prometheus at <c>/metrics</c>, OTLP when configured, sampled traces, JSON logs
/// as an option. The projects below define their figures with System.Diagnostics only.
/// </summary>
public static class TelemetryExtensions
{
    private static readonly string[] Meters =
    [
        IngestTelemetry.Name, StreamingTelemetry.Name, StorageTelemetry.Name,
        "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Http.Connections",
    ];

    public static WebApplicationBuilder AddSupervisionTelemetry(this WebApplicationBuilder builder, SupervisionOptions options)
    {
        var telemetry = options.Telemetry;
        Uri? otlp = telemetry.OtlpEndpoint.Length > 0 ? new Uri(telemetry.OtlpEndpoint) : null;
        builder.Services.AddSingleton<IngestTelemetry>();
        builder.Services.AddSingleton<StreamingTelemetry>();
        builder.Services.AddSingleton<StorageTelemetry>();
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("supervision"))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(Meters).AddPrometheusExporter();
                if (otlp is not null)
                {
                    metrics.AddOtlpExporter(o => o.Endpoint = otlp);
                }
            })
            .WithTracing(tracing =>
            {
                tracing.SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(telemetry.TraceSampleRatio)))
                    .AddAspNetCoreInstrumentation(o => o.Filter = http => !IsOperational(http.Request.Path))
                    .AddSource(IngestTelemetry.Name, StreamingTelemetry.Name, StorageTelemetry.Name);
                if (otlp is not null)
                {
                    tracing.AddOtlpExporter(o => o.Endpoint = otlp);
                }
            });
        if (telemetry.JsonLogs)
        {
            builder.Logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }
        return builder;
    }

    /// <summary>
    /// Prometheus scrapes <c>GET /metrics</c> (text exposition format) without credentials, as scrapers do: the figures
    /// are counts by kind, rule and outcome, with no enterprise, region or person in them. Keep the port off the
    /// public network if even those are not to be seen.
    /// </summary>
    public static IEndpointRouteBuilder MapSupervisionMetrics(this IEndpointRouteBuilder app)
    {
        app.MapPrometheusScrapingEndpoint("/metrics").WithMetadata(new HttpMethodMetadata(["GET"])).AllowAnonymous();
        return app;
    }

    // Scrapes and probes every few seconds would fill the sampled traces with nothing.
    private static bool IsOperational(PathString path) => path.StartsWithSegments("/metrics") || path.StartsWithSegments("/healthz");
}
