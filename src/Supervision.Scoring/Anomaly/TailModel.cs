namespace Supervision.Scoring.Anomaly;

/// <summary>
/// Calibration of one test statistic u ≥ 0, measured in units of its own typical size: the share of readings
/// over a fixed threshold, and a generalised Pareto tail fitted by moments to the excesses over it (peaks over
/// threshold, as in SPOT, Siffer et al., KDD 2017), kept as running moments so nothing is stored per reading.
/// The tail probability it returns is what makes a score mean the same on every series: rare here means rare
/// for this series, whatever its scale, noise or tails.
/// </summary>
internal struct TailModel
{
    /// <summary>Statistic values over this are excesses; under it the tail is interpolated.</summary>
    internal const double Threshold = 3;

    private const double PriorRate = 0.02;

    // The share over the threshold is never taken as rarer than this: a statistic that never exceeds it (bounded
    // noise, a series of exact repeats) would otherwise make every value under it look rare.
    private const double MinRate = 0.01;
    private const double PriorRateWeight = 50;
    private const double PriorMean = 0.6;
    private const double PriorShape = 0.1;
    private const double PriorWeight = 10;
    private const double MinShape = -0.25;
    private const double MaxShape = 0.45;

    // Beyond the end point of a light tail: as good as impossible, but finite so scores stay ordered.
    private const double Impossible = -50;

    internal double Rate;
    internal double Mean;
    internal double Square;
    internal double Excesses;

    /// <summary>A tail that assumes little: 2 % over the threshold, a slightly heavy tail beyond it.</summary>
    internal static TailModel Prior => new()
    {
        Rate = PriorRate,
        Mean = PriorMean,
        Square = PriorSecondMoment,
        Excesses = 0,
    };

    // E[y²] of a generalised Pareto excess with the prior's mean and shape: 2σ² / ((1 − ξ)(1 − 2ξ)), σ = mean (1 − ξ).
    private static double PriorSecondMoment => 2 * PriorMean * PriorMean * (1 - PriorShape) / (1 - (2 * PriorShape));

    /// <summary>Natural log of the probability of a value at least <paramref name="u"/>; 0 at u = 0, falling as u grows.</summary>
    internal readonly double LogTail(double u)
    {
        var logRate = Math.Log(Math.Max(Rate, MinRate));
        if (u <= Threshold)
        {
            return u / Threshold * logRate;
        }
        var (shape, scale) = Shape();
        var y = u - Threshold;
        if (Math.Abs(shape) < 1e-6)
        {
            return logRate - (y / scale);
        }
        var t = 1 + (shape * y / scale);
        return t <= 0 ? logRate + Impossible : logRate - (Math.Log(t) / shape);
    }

    /// <summary>The value whose tail probability has natural log <paramref name="logTail"/> (the inverse of <see cref="LogTail"/>).</summary>
    internal readonly double ValueAt(double logTail)
    {
        var logRate = Math.Log(Math.Max(Rate, MinRate));
        if (logTail >= logRate)
        {
            return Threshold * logTail / logRate;
        }
        var (shape, scale) = Shape();
        var below = logTail - logRate;
        return Threshold + (Math.Abs(shape) < 1e-6 ? -scale * below : scale / shape * (Math.Exp(-shape * below) - 1));
    }

    // Generalised Pareto shape and scale by moments of the excesses, shrunk towards the prior.
    private readonly (double Shape, double Scale) Shape()
    {
        var weight = Excesses + PriorWeight;
        var mean = ((Excesses * Mean) + (PriorWeight * PriorMean)) / weight;
        var square = ((Excesses * Square) + (PriorWeight * PriorSecondMoment)) / weight;
        var variance = Math.Max(square - (mean * mean), 1e-12);
        var shape = Math.Clamp(0.5 * (1 - (mean * mean / variance)), MinShape, MaxShape);
        return (shape, mean * (1 - shape));
    }

    /// <summary>
    /// Learns from one value with weight <paramref name="weight"/> (1 for a normal reading): <paramref name="rateWeight"/>
    /// is the weight of a reading in the share over the threshold.
    /// </summary>
    internal void Learn(double u, double rateWeight, double maxExcesses, double weight)
    {
        if (u > Threshold)
        {
            Rate += (1 - Rate) * rateWeight * weight;
            // Clipped so one enormous anomaly cannot make every later one look ordinary.
            var y = Math.Min(u - Threshold, 10 * Math.Max(Mean, PriorMean));
            Excesses = Math.Min(Excesses + weight, maxExcesses);
            Mean += weight * (y - Mean) / Excesses;
            Square += weight * ((y * y) - Square) / Excesses;
        }
        else
        {
            Rate -= Rate * rateWeight * weight;
        }
    }

    /// <summary>The weight of one reading in the share over the threshold after <paramref name="readings"/> readings.</summary>
    internal static double RateWeight(long readings, int memory) => 1.0 / Math.Min(readings + PriorRateWeight, memory);

    internal readonly void WriteTo(BinaryWriter writer)
    {
        writer.Write(Rate);
        writer.Write(Mean);
        writer.Write(Square);
        writer.Write(Excesses);
    }

    internal static TailModel ReadFrom(BinaryReader reader) => new()
    {
        Rate = reader.ReadDouble(),
        Mean = reader.ReadDouble(),
        Square = reader.ReadDouble(),
        Excesses = reader.ReadDouble(),
    };
}
