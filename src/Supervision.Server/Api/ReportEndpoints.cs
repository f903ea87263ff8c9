using System.Buffers;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;
using Supervision.Ingest.Decoding;
using Supervision.Server.Configuration;
using Supervision.Ingest.Mapping;
using Supervision.Ingest.Validation;
using Supervision.Server.Ingestion;
using Supervision.Ingest.Security;
using Supervision.Server.Authentication;
using Supervision.Server.Authorization;

namespace Supervision.Server.Api;

/// <summary><c>POST /api/v1/reports</c>: the reporting contract of DESIGN.md.</summary>
public static class ReportEndpoints
{
    public static IEndpointRouteBuilder MapReportEndpoints(this IEndpointRouteBuilder app)
    {
        // Machines: the reporting API key is checked by its scheme (Policies.Reporting); what it covers, per record, here.
        app.MapPost("/api/v1/reports", PostReportsAsync).RequireAuthorization(Policies.Reporting);
        app.MapGet("/api/v1/profiles", (ProfileRegistry profiles) => Results.Ok(profiles.Names.Order(StringComparer.Ordinal)
            .Select(name => new { name, description = profiles.Find(name)!.Description }))).RequireAuthorization(Policies.Reporting);
        return app;
    }

    private static async Task<IResult> PostReportsAsync(HttpContext http, ReportIngestor ingestor, SupervisionOptions options, ProfileRegistry profiles)
    {
        var key = ReportingKeyHandler.EntryOf(http);
        if (!TryFormat(http.Request.ContentType, out var format))
        {
            // The body stays unread: ask the client not to reuse a connection with bytes still in flight.
            http.Response.Headers.Connection = "close";
            return Results.Problem(
                statusCode: StatusCodes.Status415UnsupportedMediaType,
                title: "Unsupported content type",
                detail: $"Content-Type '{http.Request.ContentType}' is not accepted; use application/json (an array), application/x-ndjson, text/csv or application/vnd.apache.arrow.stream");
        }
        var limit = options.MaxBodyBytes;
        if (http.Request.ContentLength > limit)
        {
            return TooLarge(http, limit);
        }
        var sizeFeature = http.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
        {
            sizeFeature.MaxRequestBodySize = limit + 1L;
        }

        var buffer = new ArrayBufferWriter<byte>(http.Request.ContentLength is > 0 and var length ? (int)length : 64 * 1024);
        try
        {
            while (true)
            {
                var read = await http.Request.Body.ReadAsync(buffer.GetMemory(16 * 1024), http.RequestAborted);
                if (read == 0)
                {
                    break;
                }
                buffer.Advance(read);
                if (buffer.WrittenCount > limit)
                {
                    return TooLarge(http, limit);
                }
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge(http, limit);
        }

        var profileName = http.Request.Query["profile"].ToString() is { Length: > 0 } asked ? asked : key?.Profile;
        MappingProfile? profile = null;
        if (profileName is not null && (profile = profiles.Find(profileName)) is null)
        {
            return Results.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: "Unknown mapping profile",
                detail: $"profile '{profileName}' is not in service; available: {string.Join(", ", profiles.Names.Order(StringComparer.Ordinal))}");
        }

        if (key is not null && ApiKeyStore.VerifySignature(key, http.Request.Headers["X-Signature"].ToString(), buffer.WrittenSpan) is { } signatureProblem)
        {
            return Unauthorized(http, signatureProblem);
        }

        var foreign = 0;
        var valid = 0;
        Func<DecodeResult, DecodeResult>? filter = key is null ? null : decoded =>
        {
            valid = decoded.Accepted.Count;
            var kept = new DecodeResult();
            kept.Total = decoded.Total;
            for (var i = 0; i < decoded.Accepted.Count; i++)
            {
                var report = decoded.Accepted[i];
                if (key.Covers(report.EnterpriseId, report.Region))
                {
                    kept.Accepted.Add(report);
                    kept.AcceptedIndexes.Add(decoded.AcceptedIndexes[i]);
                }
                else
                {
                    foreign++;
                    kept.Rejected.Add(new RecordError(decoded.AcceptedIndexes[i], report.ReportId,
                        [new FieldError(key.EnterpriseId is null ? "region" : "enterpriseId", $"is not covered by this API key ({key.Describe()})")]));
                }
            }
            kept.Rejected.AddRange(decoded.Rejected);
            kept.Rejected.Sort((a, b) => a.Index.CompareTo(b.Index));
            return kept;
        };
        var (outcome, response, error) = await ingestor.IngestAsync(buffer.WrittenMemory, format, profile, options.MaxRecordsPerBatch, filter, http.RequestAborted);
        if (outcome == IngestOutcome.Accepted && foreign > 0 && foreign == valid)
        {
            return Results.Problem(
                statusCode: StatusCodes.Status403Forbidden,
                title: "Reports for other enterprises",
                detail: $"all {foreign} valid reports are for enterprises this API key ({key!.Describe()}) does not cover",
                extensions: new Dictionary<string, object?> { ["rejected"] = response!.Rejected });
        }
        switch (outcome)
        {
            case IngestOutcome.Unreadable:
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Unreadable body", detail: error);
            case IngestOutcome.TooMany:
                return Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Too many records", detail: error);
            case IngestOutcome.Overloaded:
                http.Response.Headers.RetryAfter = "1";
                return Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Overloaded", detail: error + "; retry after 1 s");
            case IngestOutcome.Unavailable:
                http.Response.Headers.RetryAfter = "5";
                return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Unavailable", detail: error + "; retry after 5 s");
            default:
                return Results.Json(response, statusCode: StatusCodes.Status202Accepted);
        }
    }

    private static IResult Unauthorized(HttpContext http, string detail)
    {
        http.Response.Headers.WWWAuthenticate = "Bearer";
        return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", detail: detail);
    }

    private static IResult TooLarge(HttpContext http, int limit)
    {
        http.Response.Headers.Connection = "close";
        return Results.Problem(
            statusCode: StatusCodes.Status413PayloadTooLarge,
            title: "Body too large",
            detail: $"the body is larger than {limit} bytes (Supervision:MaxBodyBytes); split the batch");
    }

    private static bool TryFormat(string? contentType, out BodyFormat format)
    {
        format = default;
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media))
        {
            return false;
        }
        switch (media.MediaType.Value?.ToLowerInvariant())
        {
            case "application/json":
                format = BodyFormat.JsonArray;
                return true;
            case "application/x-ndjson" or "application/jsonl":
                format = BodyFormat.Ndjson;
                return true;
            case "text/csv":
                format = BodyFormat.Csv;
                return true;
            case "application/vnd.apache.arrow.stream":
                format = BodyFormat.Arrow;
                return true;
            default:
                return false;
        }
    }
}
