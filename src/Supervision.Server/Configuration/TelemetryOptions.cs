namespace Supervision.Server.Configuration;

/// <summary>The <c>Supervision:Telemetry</c> section: traces, OTLP export and log format. Metrics are always on at <c>/metrics</c>.</summary>
public sealed class TelemetryOptions
{
    /// <summary>Share of new traces recorded, 0 to 1; a request that arrives with a sampled parent is always recorded.</summary>
    public double TraceSampleRatio { get; set; } = 0.05;

    /// <summary>OTLP collector to export metrics and traces to (gRPC, e.g. <c>http://127.0.0.1:4317</c>); empty: none.</summary>
    public string OtlpEndpoint { get; set; } = "";

    /// <summary>Console logs as one JSON object a line (with trace and span ids), for log shippers.</summary>
    public bool JsonLogs { get; set; }

    /// <summary>Every problem, each naming its key.</summary>
    public IEnumerable<string> Validate()
    {
        if (!(TraceSampleRatio is >= 0 and <= 1))
        {
            yield return $"Supervision:Telemetry:TraceSampleRatio must be from 0 to 1, got {TraceSampleRatio}";
        }
        if (OtlpEndpoint.Length > 0 && !(Uri.TryCreate(OtlpEndpoint, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
        {
            yield return $"Supervision:Telemetry:OtlpEndpoint must be an http(s) URL, got '{OtlpEndpoint}'";
        }
    }
}
