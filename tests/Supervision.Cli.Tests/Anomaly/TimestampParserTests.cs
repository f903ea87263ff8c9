using Supervision.Cli.Anomaly;

namespace Supervision.Cli.Tests.Anomaly;

public class TimestampParserTests
{
    [TestCase("2026-11-27T09:00:00+08:00", "2026-11-27T01:00:00Z")]
    [TestCase("2014-04-01 00:00:00", "2014-04-01T00:00:00Z")]
    [TestCase(" \"2026-11-27T09:00:00Z\" ", "2026-11-27T09:00:00Z")]
    [TestCase("1764234000", "2025-11-27T09:00:00Z")]
    [TestCase("1764234000500", "2025-11-27T09:00:00.5Z")]
    [TestCase("1764234000.25", "2025-11-27T09:00:00.25Z")]
    public void TryParse_KnownForms_UtcTicks(string text, string expected)
    {
        Assert.That(TimestampParser.TryParse(text, out var ticks), Is.True);
        Assert.That(new DateTimeOffset(ticks, TimeSpan.Zero), Is.EqualTo(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [TestCase("")]
    [TestCase("yesterday")]
    [TestCase("99999999999999999999")]
    [TestCase("1e400")]
    public void TryParse_NotATimestamp_False(string text) =>
        Assert.That(TimestampParser.TryParse(text, out _), Is.False);
}
