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

    /// <summary>A drug warehouse outside its storage class long enough to be a violation.</summary>
    public const string DrugExcursion = "drug.storage.sustained";

    /// <summary>A short drug-store temperature blip that a rule must not flag.</summary>
    public const string DrugBlip = "drug.storage.blip";

    /// <summary>A serious adverse drug reaction reported by the enterprise (an incident, not a rule breach).</summary>
    public const string SeriousAdverseEvent = "drug.adverse.serious";

    /// <summary>A pesticide residue over its maximum residue limit.</summary>
    public const string ResidueOverLimit = "agri.residue.over_mrl";

    /// <summary>A drug batch moved out of stock after its expiry date.</summary>
    public const string ExpiredDrugMoved = "drug.batch.expired";

    /// <summary>A food batch reported after its shelf life ended.</summary>
    public const string ExpiredFoodBatch = "food.batch.expired";

    /// <summary>Equipment whose periodic inspection is overdue (start: the first overdue day).</summary>
    public const string InspectionOverdue = "equipment.inspection.overdue";

    /// <summary>Equipment that failed its last periodic inspection.</summary>
    public const string InspectionFailed = "equipment.inspection.failed";

    /// <summary>A store's logger stopped reporting for a while (no data; not a violation by the enterprise's goods).</summary>
    public const string LoggerSilent = "logger.silent";
}

/// <summary>
/// The commodity and pesticide pairs the simulated testing stations measure, with the limit the simulator
/// assumes for each (the same as the engine's built-in GB 2763 sample table; a test keeps them equal).
/// </summary>
public static class SimulatedResidues
{
    /// <summary>Commodity, pesticide and maximum residue limit in mg/kg.</summary>
    public static IReadOnlyList<(string Commodity, string Pesticide, double MrlMgKg)> All { get; } =
    [
        ("菠菜", "毒死蜱", 0.02), ("芹菜", "吡虫啉", 1), ("韭菜", "腐霉利", 0.2), ("豇豆", "灭蝇胺", 0.5), ("黄瓜", "腐霉利", 2),
        ("苹果", "多菌灵", 3), ("柑", "毒死蜱", 1), ("葡萄", "腐霉利", 5), ("小白菜", "阿维菌素", 0.05), ("大米", "多菌灵", 2),
    ];
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
    private readonly List<DateTimeOffset>[] _incidents;
    private readonly DateTimeOffset[] _overdueFrom;
    private readonly bool[] _failedInspection;

    /// <summary>A generator over <paramref name="enterprises"/>, its randomness from <paramref name="seed"/>.</summary>
    public ReportGenerator(IReadOnlyList<SimulatedEnterprise> enterprises, int seed)
    {
        _enterprises = enterprises;
        _random = new Random(seed);
        _state = new DeviceState[enterprises.Count][];
        _incidents = new List<DateTimeOffset>[enterprises.Count];
        _overdueFrom = new DateTimeOffset[enterprises.Count];
        Array.Fill(_overdueFrom, DateTimeOffset.MaxValue);
        _failedInspection = new bool[enterprises.Count];
        for (var i = 0; i < enterprises.Count; i++)
        {
            _state[i] = new DeviceState[enterprises[i].Devices.Count];
            _incidents[i] = [];
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
    /// <paramref name="step"/> (the time since the previous tick). Each elevator also reports its last periodic
    /// inspection at its first tick; now and then drug enterprises add an adverse reaction report or a batch movement,
    /// and food enterprises a production batch.
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
                if (Silent(e, device, ref state, at, minutes))
                {
                    continue;
                }
                ReportPayload payload = enterprise.Sector switch
                {
                    Sector.Food => ColdChain(e, device, ref state, at, minutes),
                    Sector.Drug => DrugStore(e, device, ref state, at, minutes),
                    Sector.Agri => Residue(e, device, at, minutes),
                    _ => Elevator(e, device, ref state, at, minutes),
                };
                var kind = enterprise.Sector switch
                {
                    Sector.Food => ReportKind.FoodColdChain,
                    Sector.Drug => ReportKind.DrugStorage,
                    Sector.Agri => ReportKind.AgriResidue,
                    _ => ReportKind.EquipmentTelemetry,
                };
                output.Add(new Report($"{device.DeviceId}-{stamp}", enterprise.Id, enterprise.Region, kind, at, payload));
                if (enterprise.Sector == Sector.Equipment && !state.Started)
                {
                    output.Add(new Report($"{device.DeviceId}-INS-{stamp}", enterprise.Id, enterprise.Region, ReportKind.EquipmentInspection, at, LastInspection(e, device, at)));
                }
                state.Started = true;
            }
            if (enterprise.Sector == Sector.Drug && _random.NextDouble() < minutes * (0.0002 + (0.003 * enterprise.Propensity)))
            {
                output.Add(new Report($"AE-{stamp}", enterprise.Id, enterprise.Region, ReportKind.DrugAdverseEvent, at, AdverseEvent(e, at)));
            }
            if (enterprise.Sector == Sector.Drug && _random.NextDouble() < minutes * 0.004)
            {
                output.Add(new Report($"DB-{stamp}", enterprise.Id, enterprise.Region, ReportKind.DrugBatch, at, DrugMovement(e, at)));
            }
            if (enterprise.Sector == Sector.Food && _random.NextDouble() < minutes * 0.003)
            {
                output.Add(new Report($"FB-{stamp}", enterprise.Id, enterprise.Region, ReportKind.FoodBatch, at, FoodProduction(e, at)));
            }
        }
    }

    /// <summary>
    /// Whether an inspection of enterprise <paramref name="index"/> at <paramref name="at"/> finds a violation:
    /// likelier for a high propensity, after recent incidents (sustained violations, serious adverse reactions,
    /// expired batches) and for equipment overdue for inspection or failing it. Draws from the generator's randomness.
    /// </summary>
    public bool Inspect(int index, DateTimeOffset at)
    {
        var recent = 0;
        foreach (var start in _incidents[index])
        {
            if (start <= at && at - start <= TimeSpan.FromHours(24))
            {
                recent++;
            }
        }
        var p = 0.02 + (0.6 * _enterprises[index].Propensity) + (0.3 * Math.Min(1.0, recent / 2.0))
            + (at >= _overdueFrom[index] ? 0.15 : 0) + (_failedInspection[index] ? 0.15 : 0);
        return _random.NextDouble() < p;
    }

    private ColdChainReading ColdChain(int e, SimulatedDevice device, ref DeviceState state, DateTimeOffset at, double minutes)
    {
        var (min, max, calm) = device.StorageClass == FoodStorageClass.Frozen ? (double.NegativeInfinity, -18.0, -21.0) : (0.0, 4.0, 2.0);
        var temperature = StoreTemperature(e, device.DeviceId, ref state, at, minutes, 0.0015, min, max, calm, 0.8, ViolationKinds.SustainedExcursion, ViolationKinds.Blip);
        return new ColdChainReading(device.DeviceId, device.StorageClass, temperature);
    }

    private EquipmentTelemetry Elevator(int e, SimulatedDevice device, ref DeviceState state, DateTimeOffset at, double minutes)
    {
        if (state.RemainingMinutes <= 0 && _random.NextDouble() < minutes * (0.00001 + (0.0006 * _enterprises[e].Propensity)))
        {
            state.RemainingMinutes = 3 + _random.Next(18);
            Violations.Add(new InjectedViolation(_enterprises[e].Id, device.DeviceId, ViolationKinds.Trapped, at, at + TimeSpan.FromMinutes(state.RemainingMinutes)));
            _incidents[e].Add(at);
        }
        var trapped = state.RemainingMinutes > 0;
        if (trapped)
        {
            state.RemainingMinutes -= minutes;
        }
        return new EquipmentTelemetry(device.DeviceId, device.EquipmentType, EquipmentMetrics.TrappedPassenger, trapped ? 1 : 0);
    }

    private DrugStorageReading DrugStore(int e, SimulatedDevice device, ref DeviceState state, DateTimeOffset at, double minutes)
    {
        var (min, max, calm, spread) = device.DrugStorageClass switch
        {
            DrugStorageClass.Cold => (2.0, 10.0, 5.0, 1.5),
            DrugStorageClass.Cool => (double.NegativeInfinity, 20.0, 15.0, 2.0),
            _ => (10.0, 30.0, 21.0, 3.0),
        };
        var temperature = StoreTemperature(e, device.DeviceId, ref state, at, minutes, 0.0012, min, max, calm, spread, ViolationKinds.DrugExcursion, ViolationKinds.DrugBlip);
        return new DrugStorageReading(device.DeviceId, device.DrugStorageClass, temperature);
    }

    // A store's temperature, within `spread` of `calm` unless an excursion is under way. Excursions start at a rate set
    // by the enterprise's propensity; half are sustained (12–60 min, a violation), half are blips (1–3 min). A store
    // with a lower limit fails below it three times in ten; otherwise it warms up.
    private double StoreTemperature(int e, string deviceId, ref DeviceState state, DateTimeOffset at, double minutes, double rate, double min, double max, double calm, double spread, string sustainedKind, string blipKind)
    {
        if (state.RemainingMinutes <= 0 && _random.NextDouble() < minutes * (0.00002 + (rate * _enterprises[e].Propensity)))
        {
            var sustained = _random.NextDouble() < 0.5;
            state.RemainingMinutes = sustained ? 12 + _random.Next(49) : 1 + _random.Next(3);
            state.Level = !double.IsNegativeInfinity(min) && _random.NextDouble() < 0.3
                ? min - 1 - (_random.NextDouble() * 3)
                : max + 2 + (_random.NextDouble() * 6);
            Violations.Add(new InjectedViolation(_enterprises[e].Id, deviceId, sustained ? sustainedKind : blipKind, at, at + TimeSpan.FromMinutes(state.RemainingMinutes)));
            if (sustained)
            {
                _incidents[e].Add(at);
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
            temperature = calm + ((_random.NextDouble() - 0.5) * 2 * spread);
        }
        return Math.Round(temperature, 1);
    }

    private static readonly string[] Products = ["阿莫西林胶囊", "头孢克肟片", "布洛芬缓释胶囊", "二甲双胍片", "注射用头孢曲松钠"];
    private static readonly string[] Reactions = ["皮疹", "恶心", "头晕", "过敏性休克", "肝功能异常"];

    private DrugAdverseEvent AdverseEvent(int e, DateTimeOffset at)
    {
        var serious = _random.NextDouble() < 0.1 + (0.5 * _enterprises[e].Propensity);
        if (serious)
        {
            Violations.Add(new InjectedViolation(_enterprises[e].Id, "", ViolationKinds.SeriousAdverseEvent, at, at));
            _incidents[e].Add(at);
        }
        return new DrugAdverseEvent(Products[_random.Next(Products.Length)], Reactions[_random.Next(Reactions.Length)], serious);
    }

    // A rapid test at a station: usually well under the limit (often not detected), now and then over it.
    private AgriResidue Residue(int e, SimulatedDevice device, DateTimeOffset at, double minutes)
    {
        var (commodity, pesticide, mrl) = SimulatedResidues.All[_random.Next(SimulatedResidues.All.Count)];
        double value;
        if (_random.NextDouble() < minutes * (0.0001 + (0.002 * _enterprises[e].Propensity)))
        {
            value = mrl * (1.5 + (4 * _random.NextDouble()));
            Violations.Add(new InjectedViolation(_enterprises[e].Id, device.DeviceId, ViolationKinds.ResidueOverLimit, at, at));
            _incidents[e].Add(at);
        }
        else
        {
            var u = _random.NextDouble();
            value = u < 0.3 ? 0 : mrl * 0.8 * u * u;
        }
        return new AgriResidue(commodity, pesticide, Math.Round(value, 4));
    }

    // The elevator's latest periodic inspection as of its first report: a risky enterprise is likelier to be
    // overdue (1–90 days) or to have failed; otherwise the next inspection falls due within the coming 330 days.
    private EquipmentInspection LastInspection(int e, SimulatedDevice device, DateTimeOffset at)
    {
        var propensity = _enterprises[e].Propensity;
        var today = DateOnly.FromDateTime(at.UtcDateTime);
        var due = _random.NextDouble() < 0.03 + (0.5 * propensity) ? today.AddDays(-1 - _random.Next(90)) : today.AddDays(_random.Next(331));
        var failed = _random.NextDouble() < 0.02 + (0.3 * propensity);
        var overdueFrom = new DateTimeOffset(due.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        if (overdueFrom < _overdueFrom[e])
        {
            _overdueFrom[e] = overdueFrom;
        }
        if (due < today)
        {
            Violations.Add(new InjectedViolation(_enterprises[e].Id, device.DeviceId, ViolationKinds.InspectionOverdue, overdueFrom, DateTimeOffset.MaxValue));
        }
        if (failed)
        {
            _failedInspection[e] = true;
            Violations.Add(new InjectedViolation(_enterprises[e].Id, device.DeviceId, ViolationKinds.InspectionFailed, at, at));
        }
        return new EquipmentInspection(device.DeviceId, device.EquipmentType, due.AddYears(-1), failed ? InspectionResult.Fail : InspectionResult.Pass, due);
    }

    // A stock movement; a risky enterprise now and then ships a batch past its expiry.
    private DrugBatch DrugMovement(int e, DateTimeOffset at)
    {
        var today = DateOnly.FromDateTime(at.UtcDateTime);
        var approval = $"{Licences.DrugApprovalPrefix}H{20000000 + _random.Next(10000):D8}";
        var batchNo = $"B{at:yyMMddHHmm}";
        if (_random.NextDouble() < 0.005 + (0.1 * _enterprises[e].Propensity))
        {
            Violations.Add(new InjectedViolation(_enterprises[e].Id, batchNo, ViolationKinds.ExpiredDrugMoved, at, at));
            _incidents[e].Add(at);
            return new DrugBatch(approval, batchNo, today.AddDays(-1 - _random.Next(60)), 1 + _random.Next(500), Movement.Out);
        }
        return new DrugBatch(approval, batchNo, today.AddDays(30 + _random.Next(700)), 1 + _random.Next(500), _random.NextDouble() < 0.7 ? Movement.Out : Movement.In);
    }

    private static readonly string[] Foods = ["速冻水饺", "冷冻鸡翅", "鲜牛奶", "酸奶", "冷鲜猪肉"];

    // A production batch report; a risky enterprise now and then reports one past its shelf life.
    private FoodBatch FoodProduction(int e, DateTimeOffset at)
    {
        var today = DateOnly.FromDateTime(at.UtcDateTime);
        var licence = $"SC{10635010000000 + (e % 10000):D14}";
        var batchNo = $"P{at:yyMMddHHmm}";
        const int shelfLife = 180;
        var produced = today.AddDays(-_random.Next(shelfLife));
        if (_random.NextDouble() < 0.005 + (0.1 * _enterprises[e].Propensity))
        {
            produced = today.AddDays(-shelfLife - 1 - _random.Next(30));
            Violations.Add(new InjectedViolation(_enterprises[e].Id, batchNo, ViolationKinds.ExpiredFoodBatch, at, at));
            _incidents[e].Add(at);
        }
        return new FoodBatch(licence, Foods[_random.Next(Foods.Length)], batchNo, produced, shelfLife, 100 + _random.Next(5000));
    }

    // Now and then a store's logger goes quiet for 20 to 80 minutes (a dead battery, a lost connection): no report
    // at all, which only a rule that notices silence can see.
    private bool Silent(int e, SimulatedDevice device, ref DeviceState state, DateTimeOffset at, double minutes)
    {
        if (_enterprises[e].Sector is not (Sector.Food or Sector.Drug) || !state.Started)
        {
            return false;
        }
        if (state.SilentMinutes <= 0 && _random.NextDouble() < minutes * 0.00005)
        {
            state.SilentMinutes = 20 + _random.Next(61);
            Violations.Add(new InjectedViolation(_enterprises[e].Id, device.DeviceId, ViolationKinds.LoggerSilent, at, at + TimeSpan.FromMinutes(state.SilentMinutes)));
        }
        if (state.SilentMinutes <= 0)
        {
            return false;
        }
        state.SilentMinutes -= minutes;
        return true;
    }

    private struct DeviceState
    {
        public double SilentMinutes;
        public bool Started;
        public double RemainingMinutes;
        public double Level;
    }
}
