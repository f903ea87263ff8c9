namespace Supervision.Cli.Tests;

/// <summary>How the command answers what a user types: one line naming the fault and exit code 2, help, completion.</summary>
public class SupervisionCliTests
{
    private const string Verbs = "simulate, train, detect, keys, users, query, completion";

    [TestCase(new string[0], "supervision: say which verb: " + Verbs + " (--help tells more)")]
    [TestCase(new[] { "frobnicate" }, "supervision: unknown verb 'frobnicate'; use one of " + Verbs)]
    [TestCase(new[] { "simulate", "--rate", "fast", "--output", "x" }, "supervision simulate: --rate must be a number from 0.001 to 10000000, got 'fast'")]
    [TestCase(new[] { "simulate", "--enterprises", "0", "--output", "x" }, "supervision simulate: --enterprises must be a whole number from 1 to 1000000, got '0'")]
    [TestCase(new[] { "simulate", "--count", "-5", "--output", "x" }, "supervision simulate: --count must be a whole number of at least 1, got '-5'")]
    [TestCase(new[] { "simulate", "--output", "x", "--backfill", "soon" }, "supervision simulate: --backfill must be a duration like 90s, 15m, 6h, 2d or 01:30:00, got 'soon'")]
    [TestCase(new[] { "simulate" }, "supervision simulate: give exactly one of --target URL or --output FILE")]
    [TestCase(new[] { "simulate", "--target", "http://127.0.0.1:1", "--output", "x" }, "supervision simulate: give exactly one of --target URL or --output FILE")]
    [TestCase(new[] { "simulate", "--target", "ftp://example" }, "supervision simulate: --target must be an http(s) URL, got 'ftp://example'")]
    [TestCase(new[] { "simulate", "--seed", "1", "--seed", "2", "--output", "x" }, "supervision simulate: --seed is given more than once")]
    [TestCase(new[] { "train", "--days", "1" }, "supervision train: --days must be a whole number from 2 to 365, got '1'")]
    [TestCase(new[] { "train", "--colour", "red" }, "supervision train: unknown option --colour")]
    [TestCase(new[] { "train", "--bogus" }, "supervision train: unknown option --bogus")]
    [TestCase(new[] { "train", "--trees" }, "supervision train: --trees needs a value")]
    [TestCase(new[] { "train", "extra" }, "supervision train: unexpected argument 'extra'")]
    [TestCase(new[] { "detect", "--series", "many" }, "supervision detect: --series must be a whole number from 1 to 10000, got 'many'")]
    [TestCase(new[] { "detect", "--input", "only.csv" }, "supervision detect: needs --input FILE and --output FILE (or --evaluate)")]
    [TestCase(new[] { "detect", "--input", "/nonexistent.csv", "--output", "x.csv" }, "supervision detect: --input /nonexistent.csv does not exist")]
    [TestCase(new[] { "keys" }, "supervision keys: say which keys action: add, list, revoke, rotate (--help tells more)")]
    [TestCase(new[] { "query" }, "supervision query: say which query action: trend, top, heat, alert-stats, timeline, audit, alerts (--help tells more)")]
    [TestCase(new[] { "query", "risk" }, "supervision query: unknown query action 'risk'; use one of trend, top, heat, alert-stats, timeline, audit, alerts")]
    [TestCase(new[] { "query", "top" }, "supervision query top: --server is required")]
    [TestCase(new[] { "query", "top", "--server", "http://127.0.0.1:1", "--format", "csv" }, "supervision query top: --format must be json or arrow, got 'csv'")]
    [TestCase(new[] { "query", "heat", "--server", "http://127.0.0.1:1", "--bucket", "day" }, "supervision query heat: unknown option --bucket")]
    public async Task Run_BadInput_ExitsTwoWithOneLine(string[] args, string line)
    {
        var run = await Cli.RunAsync(args);

        Assert.That(run.Code, Is.EqualTo(2));
        Assert.That(run.Error, Is.EqualTo(line + Environment.NewLine));
        Assert.That(run.Output, Is.Empty);
    }

    [TestCase("simulate", "--enterprises <N>  simulated enterprises [default: 100]")]
    [TestCase("train", "--trees <N>        boosted trees [default: 100]")]
    [TestCase("detect", "--corpus <DIR>   real labelled corpus for --evaluate [default: tests/anomaly-corpus]")]
    public async Task Run_Help_PrintsOptionsWithDefaultsAndExitsZero(string verb, string line)
    {
        var run = await Cli.RunAsync(verb, "--help");

        Assert.That(run.Code, Is.Zero);
        // The usage line starts with the executable's name, which is the test host here.
        Assert.That(run.Output, Does.Contain(" " + verb + " [options]"));
        Assert.That(run.Output, Does.Contain(line));
    }

    [TestCase("supervision sim", "simulate")]
    [TestCase("supervision query al", "alert-stats\nalerts")]
    [TestCase("supervision query top --sector ", "agri\ndrug\nequipment\nfood")]
    [TestCase("supervision query trend --bucket w", "week")]
    [TestCase("supervision train --tr", "--trees")]
    public async Task Run_SuggestDirective_CompletesVerbsOptionsAndValues(string line, string expected)
    {
        var run = await Cli.RunAsync($"[suggest:{line.Length}]", line);

        Assert.That(run.Code, Is.Zero);
        Assert.That(run.Output.ReplaceLineEndings("\n").TrimEnd(), Is.EqualTo(expected));
    }

    [Test]
    public async Task Run_Completion_PrintsBashFunctionUsingSuggest()
    {
        var run = await Cli.RunAsync("completion");

        Assert.That(run.Code, Is.Zero);
        Assert.That(run.Output, Does.Contain("COMPREPLY=($(supervision \"[suggest:${COMP_POINT}]\" \"${COMP_LINE}\" 2>/dev/null))"));
        Assert.That(run.Output, Does.Contain("complete -o default -F _supervision_complete supervision"));
    }

    [Test]
    public async Task Run_SimulateToFile_WritesCountReportsAsNdjson()
    {
        var file = Path.Combine(Path.GetTempPath(), "supervision-simulate-" + Guid.NewGuid().ToString("N") + ".ndjson");
        try
        {
            var run = await Cli.RunAsync("simulate", "--output", file, "--count", "25", "--enterprises", "3", "--seed", "5");

            Assert.That(run.Code, Is.Zero, run.Error);
            Assert.That(File.ReadAllLines(file), Has.Length.EqualTo(25));
            Assert.That(run.Error, Does.Contain("simulate: done: 25 sent, 25 accepted, 0 rejected, "));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
