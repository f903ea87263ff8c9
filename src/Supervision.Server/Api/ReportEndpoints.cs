using System.Buffers;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;
using Supervision.Ingest.Decoding;
using Supervision.Server.Configuration;
using Supervision.Server.Ingestion;

namespace Supervision.Server.Api;

/// <summary><c>POST /api/v1/reports</c>: the reporting contract of DESIGN.md.</summary>
public static class ReportEndpoints
{
    public static IEndpointRouteBuilder MapReportEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/reports", PostReportsAsync);
        return app;
    }

    private static async Task<IResult> PostReportsAsync(HttpContext http, ReportIngestor ingestor, SupervisionOptions options)
    {
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

        var (outcome, response, error) = await ingestor.IngestAsync(buffer.WrittenMemory, format, null, http.RequestAborted);
        switch (outcome)
        {
            case IngestOutcome.Unreadable:
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Unreadable body", detail: error);
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
