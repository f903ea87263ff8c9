namespace Supervision.Simulation.Series;

/// <summary>Names of anomalies injected into sensor series.</summary>
public static class SeriesAnomalyKinds
{
    /// <summary>One reading far off (a glitch, a door opened on a probe).</summary>
    public const string Spike = "spike";

    /// <summary>The level jumps and stays (a setpoint changed, a compressor failed); the first hour is the anomaly.</summary>
    public const string LevelShift = "level_shift";

    /// <summary>A fast ramp away from normal (refrigeration failing), then back.</summary>
    public const string Drift = "drift";

    /// <summary>The sensor repeats one value (frozen firmware, lost probe).</summary>
    public const string Stuck = "stuck";

    /// <summary>Every kind, in the order the card lists them.</summary>
    public static IReadOnlyList<string> All { get; } = [Spike, LevelShift, Drift, Stuck];
}

/// <summary>An injected anomaly: readings <see cref="Start"/> to <see cref="End"/> (inclusive indices) are anomalous.</summary>
/// <param name="Kind">One of <see cref="SeriesAnomalyKinds"/>.</param>
/// <param name="Start">Index of the first anomalous reading.</param>
/// <param name="End">Index of the last.</param>
public sealed record SeriesAnomaly(string Kind, int Start, int End);

/// <summary>A generated series with its ground truth.</summary>
/// <param name="Name">What it imitates, e.g. <c>coldchain-frozen-3</c>.</param>
/// <param name="Start">Time of the first reading.</param>
/// <param name="Step">Time between readings.</param>
/// <param name="Values">The readings.</param>
/// <param name="Anomalies">Injected anomalies, in time order.</param>
public sealed record LabelledSeries(string Name, DateTimeOffset Start, TimeSpan Step, double[] Values, IReadOnlyList<SeriesAnomaly> Anomalies)
{
    /// <summary>Time of reading <paramref name="index"/>.</summary>
    public DateTimeOffset At(int index) => Start + (Step * index);
}

/// <summary>
/// Labelled sensor series for evaluating anomaly detectors: cold-chain temperatures and equipment telemetry, one
/// reading a minute, with a daily cycle, a slow benign drift and noise, and spikes, level shifts, fast drifts
/// and stuck sensors injected at random times with their exact windows. Deterministic for a seed.
/// </summary>
public static class SensorSeriesGenerator
{
    /// <summary>Makes <paramref name="count"/> series of <paramref name="days"/> days, alternating cold chain and telemetry.</summary>
    public static IReadOnlyList<LabelledSeries> Create(int count, int days, int seed)
    {
        var random = new Random(seed);
        var series = new List<LabelledSeries>(count);
        for (var i = 0; i < count; i++)
        {
            series.Add(i % 2 == 0 ? ColdChain(i, days, random) : Telemetry(i, days, random));
        }
        return series;
    }

    // A frozen store near -21 °C: ±0.8 °C daily cycle from door openings by day, 0.3 °C noise, 0.1 °C resolution.
    private static LabelledSeries ColdChain(int index, int days, Random random) =>
        Make($"coldchain-frozen-{index}", days, random, level: -21, cycle: 0.8, noise: 0.3, resolution: 0.1, drift: 0.5);

    // Elevator motor current near 12 A: ±2 A daily cycle of traffic, 0.25 A noise, 0.01 A resolution.
    private static LabelledSeries Telemetry(int index, int days, Random random) =>
        Make($"equipment-current-{index}", days, random, level: 12, cycle: 2, noise: 0.25, resolution: 0.01, drift: -0.4);

    private static LabelledSeries Make(string name, int days, Random random, double level, double cycle, double noise, double resolution, double drift)
    {
        var n = days * 24 * 60;
        var values = new double[n];
        var phase = random.NextDouble() * 2 * Math.PI;
        for (var t = 0; t < n; t++)
        {
            var normal = level + (cycle * Math.Sin((2 * Math.PI * t / 1440.0) + phase)) + (drift * t / n) + (noise * Gaussian(random));
            values[t] = normal;
        }

        // One anomaly of each kind per day on average, never overlapping, none in the first two hours (warm-up).
        var anomalies = new List<SeriesAnomaly>();
        var t0 = 120 + random.Next(240);
        while (t0 < n - 300)
        {
            var kind = SeriesAnomalyKinds.All[random.Next(SeriesAnomalyKinds.All.Count)];
            var sign = random.NextDouble() < 0.5 ? -1 : 1;
            int end;
            switch (kind)
            {
                case SeriesAnomalyKinds.Spike:
                    values[t0] += sign * noise * (8 + (random.NextDouble() * 8));
                    end = t0;
                    break;
                case SeriesAnomalyKinds.LevelShift:
                    var shift = sign * noise * (6 + (random.NextDouble() * 6));
                    for (var t = t0; t < n; t++)
                    {
                        values[t] += shift;
                    }
                    end = t0 + 59;
                    break;
                case SeriesAnomalyKinds.Drift:
                    // A ramp of 6-12 noise widths over 30-90 minutes, then straight back.
                    var length = 30 + random.Next(61);
                    var height = sign * noise * (6 + (random.NextDouble() * 6));
                    for (var t = t0; t < t0 + length; t++)
                    {
                        values[t] += height * (t - t0 + 1) / length;
                    }
                    end = t0 + length - 1;
                    break;
                default:
                    var stuck = 30 + random.Next(91);
                    var frozen = values[t0 - 1];
                    for (var t = t0; t < t0 + stuck; t++)
                    {
                        values[t] = frozen;
                    }
                    end = t0 + stuck - 1;
                    break;
            }
            anomalies.Add(new SeriesAnomaly(kind, t0, end));
            t0 = end + 180 + random.Next(1200);
        }
        for (var t = 0; t < n; t++)
        {
            values[t] = Math.Round(values[t] / resolution) * resolution;
        }
        return new LabelledSeries(name, new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), TimeSpan.FromMinutes(1), values, anomalies);
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
