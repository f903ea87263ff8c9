using System.Globalization;
using Supervision.Cli.Anomaly;
using Supervision.Scoring.Anomaly;

namespace Supervision.Cli.Tests.Anomaly;

public class SeriesCsvScorerTests
{
    private static (SeriesScoringResult Result, string[] Rows) Score(string csv)
    {
        var output = new StringWriter();
        var result = new SeriesCsvScorer(new OnlineAnomalyDetector(new AnomalyOptions())).Score(new StringReader(csv), output);
        return (result, output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    private static string Series(int minutes, Func<int, double> value, Func<int, string>? timestamp = null) =>
        "timestamp,value\n" + string.Concat(Enumerable.Range(0, minutes).Select(m =>
            string.Create(CultureInfo.InvariantCulture, $"{timestamp?.Invoke(m) ?? new DateTimeOffset(2026, 11, 27, 0, 0, 0, TimeSpan.Zero).AddMinutes(m).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)},{value(m)}\n")));

    [Test]
    public void Score_EmptyFile_WritesTheHeaderOnly()
    {
        var (result, rows) = Score("");
        Assert.That(result.Ok, Is.True);
        Assert.That(result.Readings, Is.Zero);
        Assert.That(rows, Is.EqualTo(new[] { "timestamp,value,anomaly_score" }));
    }

    [Test]
    public void Score_HeaderOnly_WritesTheHeaderOnly()
    {
        var (result, rows) = Score("timestamp,value\n\n");
        Assert.That(result.Ok, Is.True);
        Assert.That(rows, Is.EqualTo(new[] { "timestamp,value,anomaly_score" }));
    }

    [Test]
    public void Score_ConstantSeries_EveryRowScoredZero()
    {
        var (result, rows) = Score(Series(500, _ => 7));
        Assert.That(result.Readings, Is.EqualTo(500));
        Assert.That(rows.Skip(1).Select(r => r.Split(',')[2]), Is.All.EqualTo("0"));
    }

    [Test]
    public void Score_TimestampsGoingBack_ScoredInFileOrderAndNamed()
    {
        // A logger's clock is set back an hour at minute 300 (daylight saving), then replays minutes 100-104.
        var csv = Series(600, m => 20 + Math.Sin(m / 30.0), m =>
        {
            var minute = m < 300 ? m : m - 60;
            return new DateTimeOffset(2026, 11, 27, 0, 0, 0, TimeSpan.Zero).AddMinutes(minute).ToString("o", CultureInfo.InvariantCulture);
        });
        var (result, rows) = Score(csv);
        Assert.That(result.Ok, Is.True);
        Assert.That(result.Readings, Is.EqualTo(600));
        Assert.That(rows, Has.Length.EqualTo(601));
        Assert.That(result.Backwards, Is.EqualTo(59), "minute 299 again is not earlier than minute 299");
        Assert.That(result.BackwardLines.Take(3), Is.EqualTo(new long[] { 302, 303, 304 }));
        Assert.That(result.BackwardLines, Has.Count.EqualTo(SeriesCsvScorer.MaxReported));
    }

    [Test]
    public void Score_MissingValues_WrittenWithScoreZeroAndNamed()
    {
        var (result, rows) = Score("timestamp,value\n2026-11-27T00:00:00Z,1\n2026-11-27T00:01:00Z,\n2026-11-27T00:02:00Z,NaN\n2026-11-27T00:03:00Z,2\n");
        Assert.That(result.Ok, Is.True);
        Assert.That(result.Missing, Is.EqualTo(2));
        Assert.That(result.MissingLines, Is.EqualTo(new long[] { 3, 4 }));
        Assert.That(rows[2], Is.EqualTo("2026-11-27T00:01:00Z,,0"));
        Assert.That(rows[3], Is.EqualTo("2026-11-27T00:02:00Z,NaN,0"));
    }

    [Test]
    public void Score_BadRows_NamedByLine()
    {
        var (result, _) = Score("timestamp,value\n2026-11-27 09:00:00,1.5\nyesterday,2\n2026-11-27 09:02:00,abc\n1,2,3\n2026-11-27 09:03:00,2\n");
        Assert.That(result.Ok, Is.False);
        Assert.That(result.BadRows, Is.EqualTo(3));
        Assert.That(result.Problems, Is.EqualTo(new[]
        {
            "line 3: 'yesterday' is not a timestamp (use ISO 8601, e.g. 2026-11-27T09:00:00+08:00, or Unix seconds)",
            "line 4: 'abc' is not a number",
            "line 5: expected 2 fields 'timestamp,value', got '1,2,3'",
        }));
    }

    [Test]
    public void Score_WrongHeader_NamedOnItsLine()
    {
        var (result, _) = Score("\ntime,reading\n2026-11-27T09:00:00Z,1.5\n");
        Assert.That(result.Problems, Is.EqualTo(new[] { "line 2: expected the header 'timestamp,value', got 'time,reading'" }));
    }

    [Test]
    public void Score_QuotedHeaderAndUnixSeconds_Accepted()
    {
        var (result, rows) = Score("\"Timestamp\",\"Value\"\n1764234000,1\n1764234060,2\n");
        Assert.That(result.Ok, Is.True);
        Assert.That(rows[1], Is.EqualTo("1764234000,1,0"));
    }

    [Test]
    public void Score_ManyRows_EveryRowWrittenInOrderWithTheSpikeFlagged()
    {
        var (result, rows) = Score(Series(5000, m => m == 4000 ? 60 : 20 + (0.5 * Math.Sin(m * 1.7))));
        Assert.That(result.Readings, Is.EqualTo(5000));
        Assert.That(rows, Has.Length.EqualTo(5001));
        var scores = rows.Skip(1).Select(r => double.Parse(r.Split(',')[2], CultureInfo.InvariantCulture)).ToArray();
        Assert.That(scores, Is.All.InRange(0.0, 1.0));
        Assert.That(scores[4000], Is.EqualTo(1));
        Assert.That(rows[4001], Does.StartWith("2026-11-29 18:40:00,60,"));
    }
}
