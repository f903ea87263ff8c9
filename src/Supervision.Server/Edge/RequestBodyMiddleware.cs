using System.IO.Compression;
using Microsoft.AspNetCore.Http.Features;
using Supervision.Server.Configuration;

namespace Supervision.Server.Edge;

/// <summary>
/// Gives handlers a request body whose faults are all answered 4xx (<see cref="RequestBodyStream"/>), decoded when
/// sent with <c>Content-Encoding: gzip</c>, <c>deflate</c> (zlib) or <c>br</c>, or a list of them, and then bounded by
/// <c>Supervision:MaxBodyBytes</c>. An unknown coding is answered 415 before the body is read. Handlers see no
/// Content-Encoding header.
/// </summary>
public sealed class RequestBodyMiddleware(RequestDelegate next, SupervisionOptions options, IProblemDetailsService problems)
{
    public async Task InvokeAsync(HttpContext http)
    {
        if (http.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false })
        {
            await next(http);
            return;
        }
        var header = http.Request.Headers.ContentEncoding;
        if (header.Count == 0)
        {
            http.Request.Body = new RequestBodyStream(http.Request.Body, null, options.MaxBodyBytes);
            await next(http);
            return;
        }
        var codings = header.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .Select(c => c.ToLowerInvariant())
            .Where(c => c != "identity")
            .ToList();
        if (codings.FirstOrDefault(c => c is not ("gzip" or "x-gzip" or "deflate" or "br")) is { } unknown)
        {
            http.Response.Headers.AcceptEncoding = "gzip, deflate, br";
            // The body stays unread: the connection cannot be reused with it in flight.
            http.Response.Headers.Connection = "close";
            await problems.WriteProblemAsync(http, StatusCodes.Status415UnsupportedMediaType, "Unsupported content encoding",
                $"Content-Encoding '{unknown}' is not accepted; send the body as is, or encoded with gzip, deflate or br");
            return;
        }
        var body = http.Request.Body;
        if (codings.Count > 0)
        {
            // Codings are listed in the order they were applied: undo the last first.
            for (var i = codings.Count - 1; i >= 0; i--)
            {
                body = codings[i] switch
                {
                    "gzip" or "x-gzip" => new GZipStream(body, CompressionMode.Decompress, leaveOpen: i == codings.Count - 1),
                    "deflate" => new ZLibStream(body, CompressionMode.Decompress, leaveOpen: i == codings.Count - 1),
                    _ => new BrotliStream(body, CompressionMode.Decompress, leaveOpen: i == codings.Count - 1),
                };
            }
            http.Request.Headers.ContentEncoding = default;
            http.Request.Headers.ContentLength = null;
        }
        http.Request.Body = new RequestBodyStream(body, codings.Count > 0 ? string.Join(", ", codings) : null, options.MaxBodyBytes);
        await next(http);
    }
}
