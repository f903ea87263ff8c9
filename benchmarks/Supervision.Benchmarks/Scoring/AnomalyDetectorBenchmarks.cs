using BenchmarkDotNet.Attributes;
using Supervision.Scoring.Anomaly;
using Supervision.Scoring.Anomaly.Baseline;
using Supervision.Simulation.Series;

namespace Supervision.Benchmarks.Scoring;

/// <summary>
/// Hypothesis: the calibrated detector (<see cref="OnlineAnomalyDetector"/>: six predictors, five tests, four tail
/// models, hour-of-day and hour-of-week profiles in a 1.4 KB state) scores at least 1 M readings a second on one
/// core, several times slower than the EWMA/CUSUM detector it replaced (<see cref="PreviousAnomalyDetector"/>,
/// the baseline), and allocates nothing. Isolates the whole detector, update included: 40 simulator series of 3
/// days at one reading a minute (spikes, shifts, drifts, stuck sensors injected), built once, one thread.
/// <c>OneSeries</c> runs them one after the other as <c>detect</c> does; <c>ManySeries</c> interleaves the 40
/// series reading by reading with their states in one array, as the engine holds them. Figures are per reading
/// (<c>OperationsPerInvoke</c>).
/// </summary>
[MemoryDiagnoser]
public class AnomalyDetectorBenchmarks
{
    private const int Series = 40;
    private const int Days = 3;
    private const int Readings = Series * Days * 1440;

    private readonly OnlineAnomalyDetector _detector = new(new AnomalyOptions());
    private double[][] _values = [];
    private long[] _ticks = [];
    private AnomalyState[] _states = [];
    private PreviousAnomalyDetector.State[] _previous = [];

    [GlobalSetup]
    public void Setup()
    {
        var series = SensorSeriesGenerator.Create(Series, Days, 42);
        _values = [.. series.Select(s => s.Values)];
        _ticks = [.. Enumerable.Range(0, Days * 1440).Select(i => series[0].At(i).UtcTicks)];
        _states = new AnomalyState[Series];
        _previous = new PreviousAnomalyDetector.State[Series];
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Readings)]
    public double PreviousOneSeries()
    {
        var sum = 0.0;
        foreach (var values in _values)
        {
            var state = default(PreviousAnomalyDetector.State);
            for (var t = 0; t < values.Length; t++)
            {
                sum += PreviousAnomalyDetector.Update(ref state, values[t]);
            }
        }
        return sum;
    }

    [Benchmark(OperationsPerInvoke = Readings)]
    public double OneSeries()
    {
        var sum = 0.0;
        foreach (var values in _values)
        {
            var state = default(AnomalyState);
            for (var t = 0; t < values.Length; t++)
            {
                sum += _detector.Update(ref state, _ticks[t], values[t]);
            }
        }
        return sum;
    }

    [Benchmark(OperationsPerInvoke = Readings)]
    public double PreviousManySeries()
    {
        Array.Clear(_previous);
        var sum = 0.0;
        for (var t = 0; t < _ticks.Length; t++)
        {
            for (var s = 0; s < Series; s++)
            {
                sum += PreviousAnomalyDetector.Update(ref _previous[s], _values[s][t]);
            }
        }
        return sum;
    }

    [Benchmark(OperationsPerInvoke = Readings)]
    public double ManySeries()
    {
        Array.Clear(_states);
        var sum = 0.0;
        for (var t = 0; t < _ticks.Length; t++)
        {
            for (var s = 0; s < Series; s++)
            {
                sum += _detector.Update(ref _states[s], _ticks[t], _values[s][t]);
            }
        }
        return sum;
    }
}
