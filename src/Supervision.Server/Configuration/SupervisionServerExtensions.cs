using System.Text.Json;
using System.Text.Json.Serialization;
using Supervision.Ingest.Idempotency;
using Supervision.Ingest.Mapping;
using Supervision.Ingest.Validation;
using Supervision.Ingest.Wal;
using Supervision.Scoring.Models;
using Supervision.Server.Alerts;
using Supervision.Server.Demo;
using Supervision.Server.Grades;
using Supervision.Server.Ingestion;
using Supervision.Server.Models;
using Supervision.Server.Pipeline;
using Supervision.Ingest.Security;
using Supervision.Server.Security;
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
        if (builder.Configuration.GetSection("Analysts:Keys").GetChildren().Any())
        {
            problems.Add("Analysts:Keys is no longer read: analyst keys (X-Analyst-Key) were replaced by personal access tokens; "
                + "see README \"Moving from analyst keys to personal access tokens\" and remove the section");
        }
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
        builder.Services.AddSingleton(new ReportIdIndex(PipelineHost.Retention));
        builder.Services.AddSingleton(sp =>
        {
            var logger = sp.GetRequiredService<ILogger<WriteAheadLog>>();
            return new WriteAheadLog(Path.Combine(options.DataDirectory, "wal"), options.WalSegmentBytes, options.QueueCapacity, message => logger.LogWarning("{Message}", message));
        });
        builder.Services.AddSingleton<ReportIngestor>();
        ApiKeyStore keys;
        try
        {
            keys = new ApiKeyStore(options.ResolvedKeysFile, builder.Services.Select(d => d.ImplementationInstance).OfType<TimeProvider>().First());
        }
        catch (InvalidDataException e)
        {
            throw new ConfigurationException("Supervision:Auth:KeysFile: " + e.Message, e);
        }
        if (options.Demo.Enabled)
        {
            foreach (var (key, entry) in DemoKeys.All)
            {
                keys.AddInMemory(key, entry);
            }
        }
        builder.Services.AddSingleton(keys);
        builder.Services.AddSingleton(sp =>
        {
            var logger = sp.GetRequiredService<ILogger<ProfileRegistry>>();
            var registry = new ProfileRegistry(options.ResolvedProfilesDirectory, message => logger.LogError("{Message}", message));
            logger.LogInformation("Mapping profiles in service: {Profiles}", string.Join(", ", registry.Names));
            return registry;
        });
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = options.MaxBodyBytes + 1L);
        return builder;
    }

    /// <summary>The risk model, the engine and the hosted pipeline.</summary>
    public static WebApplicationBuilder AddSupervisionStreaming(this WebApplicationBuilder builder, SupervisionOptions options)
    {
        // Every sector's model in the directory goes into service; sectors without one score 0 with version "none".
        var models = new SectorModels();
        var loaded = models.Reload(options.ResolvedModelsDirectory);
        if (models.InService().Count == 0)
        {
            throw new ConfigurationException($"Supervision:ModelsDirectory: no usable model in {options.ResolvedModelsDirectory}: "
                + string.Join("; ", loaded.Select(r => r.Error)));
        }
        builder.Services.AddSingleton(models);
        builder.Services.AddSingleton(new ModelLoadReport(loaded));
        builder.Services.AddSingleton(sp => new SupervisionEngine(options.Rules, sp.GetRequiredService<SectorModels>()));
        builder.Services.AddHostedService<ModelWatchService>();
        builder.Services.AddSingleton<GradeRecorder>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<GradeRecorder>());
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
            var wal = sp.GetRequiredService<WriteAheadLog>();
            var writerOptions = new HistoryWriterOptions
            {
                Capacity = storage.WriterCapacity,
                SpillDirectory = Path.Combine(options.DataDirectory, "spill"),
                // Stored or spilled, the reports no longer need the write-ahead log.
                OnReportsDurable = checkpoint => wal.MarkStored(WalPosition.Unpack(checkpoint)),
            };
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
        builder.Services.AddSingleton<AlertDirectory>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AlertDirectory>());
        builder.Services.AddSingleton<EnterpriseLocator>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AlertBroadcaster>());
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase);
        builder.Services.AddProblemDetails();
        return builder;
    }
}
