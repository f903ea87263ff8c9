using System.Net.Sockets;
using System.Text;

namespace Supervision.Server.Tests;

/// <summary>
/// Sends bytes to the server over a plain socket, exactly as given (no client fixes the framing), and reads what
/// comes back.
/// </summary>
internal static class RawHttp
{
    /// <summary>
    /// The status of the first response (0 when none came) and the whole answer as text. A request the server is
    /// still waiting on after <paramref name="patience"/> gets the sending side closed; Kestrel then drops the
    /// connection without an answer, since it does not answer half-closed connections.
    /// </summary>
    public static async Task<(int Status, string Text)> SendAsync(Uri server, byte[] request, TimeSpan? patience = null)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port);
        var stream = client.GetStream();
        try
        {
            await stream.WriteAsync(request);
        }
        catch (IOException)
        {
            // The server may answer and close before it has read everything: read what it said.
        }
        using var answer = new MemoryStream();
        var buffer = new byte[8192];
        var wait = patience ?? TimeSpan.FromSeconds(2);
        var halfClosed = false;
        while (true)
        {
            using var cancel = new CancellationTokenSource(wait);
            int read;
            try
            {
                read = await stream.ReadAsync(buffer, cancel.Token);
            }
            catch (OperationCanceledException)
            {
                if (answer.Length > 0 || halfClosed)
                {
                    break;
                }
                client.Client.Shutdown(SocketShutdown.Send);
                halfClosed = true;
                continue;
            }
            catch (IOException)
            {
                break;
            }
            if (read == 0)
            {
                break;
            }
            answer.Write(buffer, 0, read);
            // The answer has started: what is left of it comes quickly, or the connection is kept alive.
            wait = TimeSpan.FromMilliseconds(300);
        }
        var text = Encoding.UTF8.GetString(answer.ToArray());
        return (Status(text), text);
    }

    public static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    private static int Status(string text) =>
        text.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) && text.Length >= 12 && int.TryParse(text.AsSpan(9, 3), out var status) ? status : 0;
}
