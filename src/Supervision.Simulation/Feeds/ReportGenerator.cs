using Supervision.Domain.Identifiers;
using Supervision.Domain.Reports;
using Supervision.Simulation.Enterprises;

namespace Supervision.Simulation.Feeds;

/// <summary>A violation the simulator injected: what actually happened, whatever the rules make of it.</summary>
/// <param name="Enterprise">Who.</param>
/// <param name="DeviceId">Which device.</param>
/// <param name="Kind">One of <see cref="ViolationKinds"/>.</param>
/// <param name="Start">Event time it began.</param>
/// <param name="End">Event time it ended.</param>
public sealed record InjectedViolation(EnterpriseId Enterprise, string DeviceId, string Kind, DateTimeOffset Start, DateTimeOffset End);

/// <summary>Names of injected violation kinds.</summary>
public static class ViolationKinds
{
    /// <summary>A cold-chain excursion long enough to be a violation.</summary>
    public const string SustainedExcursion = "coldchain.sustained";

    /// <summary>A short temperature blip that a rule must not flag.</summary>
    public const string Blip = "coldchain.blip";

    /// <summary>Passengers trapped in an elevator car.</summary>
    public const string Trapped = "elevator.trapped";
}

/// <summary>
/// Generates one reading per device per tick of event time, with violations injected at a rate set by each
/// enterprise's propensity, and keeps the ground truth: every injected violation and, on request, the outcome
/// an inspection would have. Deterministic for a seed.
/// </summary>
public sealed class ReportGenerator
{
    private readonly IReadOnlyList<SimulatedEnterprise> _enterprises;
    private readonly Random _random;
    private readonly DeviceState[][] _state;
    private readonly List<DateTimeOffset>[] _sustainedStarts;

    /// <summary>A generator over <paramref name="enterprises"/>, its randomness from <paramref name="seed"/>.</summary>
    public ReportGenerator(IReadOnlyList<SimulatedEnterprise> enterprises, int seed)
    {
        _enterprises = enterprises;
        _random = new Random(seed);
        _state = new DeviceState[enterprises.Count][];
        _sustainedStarts = new List<DateTimeOffset>[enterprises.Count];
        for (var i = 0; i < enterprises.Count; i++)
        {
            _state[i] = new DeviceState[enterprises[i].Devices.Count];
            _sustainedStarts[i] = [];
        }
    }

    /// <summary>Creates <paramref name="count"/> enterprises and a generator over them, both from <paramref name="seed"/>.</summary>
    public static ReportGenerator Create(int count, int seed) =>
        new(EnterpriseFactory.Create(count, new Random(seed)), seed + 1);

    /// <summary>The simulated population.</summary>
    public IReadOnlyList<SimulatedEnterprise> Enterprises => _enterprises;

    /// <summary>Devices across all enterprises: the reports one tick produces.</summary>
    public int DeviceCount => _enterprises.Sum(e => e.Devices.Count);

    /// <summary>Every violation injected so far, in start order per device.</summary>
    public List<InjectedViolation> Violations { get; } = [];

    /// <summary>
    /// Appends one report per device observed at <paramref name="at"/>, advancing each device's state by
    /// <paramref name="step"/> (the time since the previous tick).
    /// </summary>
    public void Tick(DateTimeOffset at, TimeSpan step, List<Report> output)
    {
        var minutes = step.TotalMinutes;
        var stamp = at.ToUniversalTime().ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture);
        for (var e = 0; e < _enterprises.Count; e++)
        {
            var enterprise = _enterprises[e];
            for (var d = 0; d < enterprise.Devices.Count; d++)
            {
                var device = enterprise.Devices[d];
                ref var state = ref _state[e][d];
                var payload = enterprise.Sector == Sector.Food
                    ? ColdChain(e, device, ref state, at, minutes)
                    : (ReportPayload)Elevator(e, device, ref state, at, minutes);
                var kind = enterprise.Sector == Sector.Food ? ReportKind.FoodColdChain : ReportKind.EquipmentTelemetry;
                output.Add(new Report($"{device.DeviceId}-{stamp}", enterprise.Id, enterprise.Region, kind, at, payload));
            }
        }
    }

    /// <summary>
    /// Whether an inspection of enterprise <paramref name="index"/> at <paramref name="at"/> finds a violation:
    /// likelier for a high propensity and after recent sustained violations. Draws from the generator's randomness.
    /// </summary>
    public bool Inspect(int index, DateTimeOffset at)
    {
        var recent = 0;
        foreach (var start in _sustainedStarts[index])
        {
            if (start <= at && at - start <= TimeSpan.FromHours(24))
            {
                recent++;
            }
        }
        var p = 0.02 + (0.6 * _enterprises[index].Propensity) + (0.3 * Math.Min(1.0, recent / 2.0));
        return _random.NextDouble() < p;
    }

    private ColdChainReading ColdChain(int e, SimulatedDevice device, ref DeviceState state, DateTimeOffset at, double minutes)
    {
        var frozen = device.StorageClass == FoodStorageClass.Frozen;
        var limit = frozen ? -18.0 : 4.0;
        if (state.RemainingMinutes <= 0 && _random.NextDouble() < minutes * (0.00002 + (0.0015 * _enterprises[e].Propensity)))
        {
            var sustained = _random.NextDouble() < 0.5;
            state.RemainingMinutes = sustained ? 12 + _random.Next(49) : 1 + _random.Next(3);
            state.Level = limit + 3 + (_random.NextDouble() * 6);
            var end = at + TimeSpan.FromMinutes(state.RemainingMinutes);
            Violations.Add(new InjectedViolation(_enterprises[e].Id, device.DeviceId, sustained ? ViolationKinds.SustainedExcursion : ViolationKinds.Blip, at, end));
            if (sustained)
            {
                _sustainedStarts[e].Add(at);
            }
        }
        double temperature;
        if (state.RemainingMinutes > 0)
        {
            temperature = state.Level + (_random.NextDouble() - 0.5);
            state.RemainingMinutes -= minutes;
        }
        else
        {
            temperature = (frozen ? -21.0 : 2.0) + ((_random.NextDouble() - 0.5) * 1.6);
        }
        return new ColdChainReading(device.DeviceId, device.StorageClass, Math.Round(temperature, 1));
    }

    private EquipmentTelemetry Elevator(int e, SimulatedDevice device, ref DeviceState state, DateTimeOffset at, double minutes)
    {
        if (state.RemainingMinutes <= 0 && _random.NextDouble() < minutes * (0.00001 + (0.0006 * _enterprises[e].Propensity)))
        {
            state.RemainingMinutes = 3 + _random.Next(18);
            Violations.Add(new InjectedViolation(_enterprises[e].Id, device.DeviceId, ViolationKinds.Trapped, at, at + TimeSpan.FromMinutes(state.RemainingMinutes)));
            _sustainedStarts[e].Add(at);
        }
        var trapped = state.RemainingMinutes > 0;
        if (trapped)
        {
            state.RemainingMinutes -= minutes;
        }
        return new EquipmentTelemetry(device.DeviceId, device.EquipmentType, EquipmentMetrics.TrappedPassenger, trapped ? 1 : 0);
    }

    private struct DeviceState
    {
        public double RemainingMinutes;
        public double Level;
    }
}
