using System.Text.Json;
using System.Text.Json.Serialization;
using Supervision.Ingest.Validation;
using Supervision.Scoring.Models;
using Supervision.Server.Alerts;
using Supervision.Server.Demo;
using Supervision.Server.Ingestion;
using Supervision.Server.Pipeline;
using Supervision.Storage.ClickHouse;
using Supervision.Storage.DuckDb;
using Supervision.Storage.History;
using Supervision.Storage.Writing;
using Supervision.Streaming.Pipeline;

namespace Supervision.Server.Configuration;

/// <summary>Raised at start-up for bad configuration; the message names the key.</summary>
public sealed class ConfigurationException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>How each part of the engine registers itself with the host.</summary>
public static class SupervisionServerExtensions
{
    /// <summary>Binds and validates configuration; throws <see cref="ConfigurationException"/> naming the first bad key.</summary>
    public static (SupervisionOptions Supervision, StorageOptions Storage) AddSupervisionOptions(this WebApplicationBuilder builder)
    {
        SupervisionOptions supervision;
        StorageOptions storage;
        try
        {
            supervision = builder.Configuration.GetSection(SupervisionOptions.Section).Get<SupervisionOptions>() ?? new();
            storage = builder.Configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new();
        }
        catch (InvalidOperationException e)
        {
            throw new ConfigurationException(e.Message, e);
        }
        var problems = supervision.Validate().Concat(storage.Validate()).ToList();
        if (problems.Count > 0)
        {
            throw new ConfigurationException(string.Join("; ", problems));
        }
        builder.Services.AddSingleton(supervision);
        builder.Services.AddSingleton(storage);
        builder.Services.AddSingleton(TimeProvider.System);
        return (supervision, storage);
    }

    /// <summary>Validation and decoding of reports.</summary>
    public static WebApplicationBuilder AddSupervisionIngest(this WebApplicationBuilder builder, SupervisionOptions options)
    {
        builder.Services.AddSingleton(sp => new ReportValidator(sp.GetRequiredService<TimeProvider>(), options.MaxFutureSkew));
        builder.Services.AddSingleton<ReportIngestor>();
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = options.MaxBodyBytes + 1L);
        return builder;
    }

    /// <summary>The risk model, the engine and the hosted pipeline.</summary>
    public static WebApplicationBuilder AddSupervisionStreaming(this WebApplicationBuilder builder, SupervisionOptions options)
    {
        RiskModel model;
        try
        {
            model = ModelRegistry.Load(options.ResolvedModelsDirectory, options.Model);
        }
        catch (ModelLoadException e)
        {
            throw new ConfigurationException($"Supervision:ModelsDirectory/Supervision:Model: {e.Message}", e);
        }
        builder.Services.AddSingleton<IRiskScorer>(model);
        builder.Services.AddSingleton(sp => new SupervisionEngine(options.Rules, sp.GetRequiredService<IRiskScorer>()));
        builder.Services.AddSingleton<PipelineHost>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<PipelineHost>());
        if (options.Demo.Enabled)
        {
            builder.Services.AddHostedService<DemoFeedService>();
        }
        return builder;
    }

    /// <summary>The history store and its writer.</summary>
    public static WebApplicationBuilder AddSupervisionStorage(this WebApplicationBuilder builder, SupervisionOptions options)
    {
        var storage = builder.Services.Select(d => d.ImplementationInstance).OfType<StorageOptions>().FirstOrDefault() ?? new StorageOptions();
        builder.Services.AddSingleton<IHistoryStore>(_ => storage.IsClickHouse
            ? new ClickHouseHistoryStore(new ClickHouseStoreOptions
            {
                ConnectionString = storage.ClickHouse.ConnectionString,
                Cluster = storage.ClickHouse.Cluster.Length > 0 ? storage.ClickHouse.Cluster : null,
                Nodes = storage.ClickHouse.Nodes,
            })
            : new DuckDbHistoryStore(Path.Combine(options.DataDirectory, "supervision.duckdb")));
        builder.Services.AddSingleton(sp =>
        {
            var logger = sp.GetRequiredService<ILogger<HistoryWriter>>();
            var writerOptions = new HistoryWriterOptions { Capacity = storage.WriterCapacity, SpillDirectory = Path.Combine(options.DataDirectory, "spill") };
            return new HistoryWriter(sp.GetRequiredService<IHistoryStore>(), sp.GetRequiredService<TimeProvider>(), writerOptions,
                e => logger.LogWarning("History write failed; spilling to {Directory} until the store is back: {Message}", writerOptions.SpillDirectory, e.Message));
        });
        return builder;
    }

    /// <summary>SignalR hub and the alert broadcaster.</summary>
    public static WebApplicationBuilder AddSupervisionHub(this WebApplicationBuilder builder)
    {
        builder.Services.AddSignalR().AddJsonProtocol(o => o.PayloadSerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.Never);
        builder.Services.AddSingleton<AlertBroadcaster>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AlertBroadcaster>());
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase);
        builder.Services.AddProblemDetails();
        return builder;
    }
}
