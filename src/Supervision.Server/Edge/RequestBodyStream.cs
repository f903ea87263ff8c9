namespace Supervision.Server.Edge;

/// <summary>
/// A request body as handlers read it, every fault a <see cref="BadHttpRequestException"/> so it is answered as a
/// 4xx problem: framing Kestrel reports as a plain <see cref="IOException"/> (a chunk size that overflows), bytes that
/// are not what their <c>Content-Encoding</c> says (400), and, for encoded bodies, more decoded bytes than the
/// limit (413), which bounds what a small compressed body may expand to.
/// </summary>
internal sealed class RequestBodyStream(Stream body, string? coding, long limit) : Stream
{
    private long _read;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        try
        {
            return Count(body.Read(buffer));
        }
        catch (Exception e) when (Unreadable(e) is { } bad)
        {
            throw bad;
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            return Count(await body.ReadAsync(buffer, cancellationToken));
        }
        catch (Exception e) when (Unreadable(e) is { } bad)
        {
            throw bad;
        }
    }

    private int Count(int read)
    {
        _read += read;
        if (coding is not null && _read > limit)
        {
            throw new BadHttpRequestException(
                $"the body decodes ({coding}) to more than {limit} bytes (Supervision:MaxBodyBytes); split the batch", StatusCodes.Status413PayloadTooLarge);
        }
        return read;
    }

    /// <summary>The 400 for <paramref name="e"/>, or null for exceptions that are not about the request's bytes.</summary>
    private BadHttpRequestException? Unreadable(Exception e) => e switch
    {
        BadHttpRequestException => null,
        // Brotli reports bad data as InvalidOperationException, gzip and zlib as InvalidDataException.
        InvalidDataException or InvalidOperationException when coding is not null =>
            new($"the body is labelled 'Content-Encoding: {coding}' but is not {coding} data: {e.Message}", StatusCodes.Status400BadRequest, e),
        IOException => new($"the request body cannot be read: {e.Message}", StatusCodes.Status400BadRequest, e),
        _ => null,
    };

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            body.Dispose();
        }
        base.Dispose(disposing);
    }
}
