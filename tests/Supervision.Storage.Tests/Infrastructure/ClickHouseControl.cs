using System.Diagnostics;
using System.Globalization;

namespace Supervision.Storage.Tests.Infrastructure;

/// <summary>
/// Stops and restarts the single-node ClickHouse server tests/run.sh started (SUPERVISION_CLICKHOUSE_CONTROL
/// names its directory: <c>pid</c>, <c>command</c>, <c>http_port</c>). The restarted server's PID goes back into
/// <c>pid</c>, so run.sh stops it at the end.
/// </summary>
public static class ClickHouseControl
{
    public static string Directory => Environment.GetEnvironmentVariable("SUPERVISION_CLICKHOUSE_CONTROL") is { Length: > 0 } directory
        ? directory
        : throw new AssertionException(
            "SUPERVISION_CLICKHOUSE_CONTROL is not set: this test stops and restarts the ClickHouse server, so it needs the one tests/run.sh starts " +
            "(run tests/run.sh, or source tests/clickhouse/servers.sh and call ch_start_all DIR)");

    public static async Task StopAsync()
    {
        var pid = int.Parse(File.ReadAllText(Path.Combine(Directory, "pid")).Trim(), CultureInfo.InvariantCulture);
        using var kill = Process.Start("kill", ["-TERM", pid.ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
        var deadline = Stopwatch.StartNew();
        while (IsRunning(pid) && deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(100);
        }
        Assert.That(IsRunning(pid), Is.False, $"ClickHouse (pid {pid}) did not stop within 30 s");
    }

    /// <summary>Alive and not a zombie (the shell that started it may not reap it until it ends).</summary>
    private static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }

    public static async Task StartAsync()
    {
        var command = File.ReadAllText(Path.Combine(Directory, "command")).Trim();
        // In its own session, through sh, so it inherits no pipe of this test host (a runner reading our output
        // would wait for it) and outlives the test host (the runner ends the host's process group).
        var start = new ProcessStartInfo("/bin/sh", ["-c", $"setsid {command} >>'{Directory}/log/stdout.log' 2>&1 </dev/null & echo $!"]) { RedirectStandardOutput = true };
        using var shell = Process.Start(start)!;
        var pid = (await shell.StandardOutput.ReadToEndAsync()).Trim();
        await shell.WaitForExitAsync();
        await File.WriteAllTextAsync(Path.Combine(Directory, "pid"), pid + "\n");
        var url = "http://127.0.0.1:" + File.ReadAllText(Path.Combine(Directory, "http_port")).Trim();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            try
            {
                if ((await http.GetStringAsync(url + "/?query=SELECT%201")).Trim() == "1")
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(100);
        }
        Assert.Fail($"ClickHouse did not answer SELECT 1 at {url} within 30 s of restarting");
    }
}
