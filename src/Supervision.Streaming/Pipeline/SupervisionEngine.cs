using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Supervision.Domain.Alerts;
using Supervision.Domain.Identifiers;
using Supervision.Domain.Reports;
using Supervision.Scoring.Anomaly;
using Supervision.Scoring.Features;
using Supervision.Scoring.Models;
using Supervision.Streaming.Rules;
using Supervision.Streaming.State;

namespace Supervision.Streaming.Pipeline;

/// <summary>
/// The per-report work of the pipeline: state update, rules, scoring and the alert decision, driven by event
/// time only. Enterprises and devices are interned to dense integers; state lives in arrays. Single-threaded:
/// the Rx pipeline calls <c>Process</c> for one batch at a time.
/// </summary>
/// <remarks>
/// Late data policy: a reading older than the newest one already seen for its device is stored by the caller but
/// does not change rule state or features, so replays and reordering cannot open or close alerts twice.
/// </remarks>
public sealed class SupervisionEngine
{
    private readonly RuleOptions _rules;
    private readonly SectorModels _models;
    private readonly ResidueLimits _residueLimits;
    private readonly Dictionary<string, int> _enterpriseIndex = new(StringComparer.Ordinal);
    private readonly List<(EnterpriseId Id, RegionCode Region, Sector Sector)> _enterprises = [];
    private int[] _openAlerts = [];
    private readonly EnterpriseWindow _window = new();
    private readonly Dictionary<(int Enterprise, string Device), int> _deviceIndex = [];
    private DeviceState[] _devices = new DeviceState[64];
    private readonly float[] _features = new float[RiskFeatures.Count];
    private readonly double[] _contributions = new double[RiskFeatures.Count];
    private readonly AlertHistory _alertHistory;
    private readonly OnlineAnomalyDetector _detector;
    private readonly Dictionary<(int Enterprise, string Subject, string Metric), int> _seriesIndex = [];
    private readonly Dictionary<(int Enterprise, string First, string Second), int> _subjectIndex = [];
    private SeriesState[] _series = new SeriesState[64];
    private byte[] _grade = [];
    private long[] _gradedHour = [];
    private bool[] _regrade = [];
    private List<InspectedEquipment>?[] _inspected = [];
    private long[] _overdueCheck = [];
    private readonly Dictionary<string, Alert> _openById = new(StringComparer.Ordinal);
    private readonly HashSet<string> _acknowledged = new(StringComparer.Ordinal);

    /// <summary>An engine applying <paramref name="rules"/> and scoring every sector with <paramref name="scorer"/>.</summary>
    public SupervisionEngine(RuleOptions rules, IRiskScorer scorer)
        : this(rules, SectorModels.Uniform(scorer))
    {
    }

    /// <summary>An engine applying <paramref name="rules"/> and scoring each sector with its model in <paramref name="models"/>.</summary>
    public SupervisionEngine(RuleOptions rules, SectorModels models)
    {
        _rules = rules;
        _models = models;
        _residueLimits = rules.ResidueTable();
        _alertHistory = new AlertHistory(rules.Grading.HistoryDays);
        _detector = new OnlineAnomalyDetector(rules.Anomaly);
    }

    /// <summary>The models in service per sector; reload them to roll out new models without losing state.</summary>
    public SectorModels Models => _models;

    /// <summary>Version tag alerts carry when no model serves their sector.</summary>
    public const string NoModel = "none";

    /// <summary>Most model contributions an alert's explanation lists.</summary>
    public const int TopContributions = 3;

    /// <summary>Enterprises seen so far.</summary>
    public int EnterpriseCount => _enterprises.Count;

    /// <summary>Applies one batch; every alert opened, updated or resolved by it is appended to <paramref name="changes"/>.</summary>
    public void Process(ReportBatch batch, List<Alert> changes) => Process(batch, changes, null);

    /// <summary>
    /// Applies one batch: alert changes go to <paramref name="changes"/>, credit grade changes to
    /// <paramref name="grades"/> (null: grades are not kept). An enterprise is graded at its first report, again
    /// in each new hour of event time it reports in, and whenever one of its alerts opens.
    /// </summary>
    public void Process(ReportBatch batch, List<Alert> changes, List<GradeChange>? grades)
    {
        foreach (ref readonly var report in batch.Span)
        {
            var enterprise = Intern(report);
            switch (report.Payload)
            {
                case ColdChainReading reading:
                    ColdChain(in report, enterprise, reading, changes);
                    break;
                case EquipmentTelemetry telemetry:
                    Telemetry(in report, enterprise, telemetry, changes);
                    break;
                case DrugStorageReading drug:
                    DrugStorage(in report, enterprise, drug, changes);
                    break;
                case DrugAdverseEvent adverse:
                    _window.AddAdverseEvent(enterprise, report.ObservedAt.UtcTicks / TimeSpan.TicksPerHour, adverse.Serious);
                    break;
                case AgriResidue residue:
                    Residue(in report, enterprise, residue, changes);
                    break;
                case FoodSampling sampling:
                    Sampling(in report, enterprise, sampling, changes);
                    break;
                case EquipmentInspection inspection:
                    Inspection(in report, enterprise, inspection, changes);
                    break;
                case DrugBatch drugBatch:
                    DrugBatch(in report, enterprise, drugBatch, changes);
                    break;
                case FoodBatch foodBatch:
                    FoodBatch(in report, enterprise, foodBatch, changes);
                    break;
                default:
                    break;
            }
            if (_inspected[enterprise] is not null && report.ObservedAt.UtcTicks >= _overdueCheck[enterprise])
            {
                CheckOverdue(in report, enterprise, changes);
            }
            if (grades is not null && (_regrade[enterprise] || _gradedHour[enterprise] != report.ObservedAt.UtcTicks / TimeSpan.TicksPerHour))
            {
                Grade(enterprise, report.ObservedAt, grades);
            }
        }
    }

    /// <summary>
    /// Fills <paramref name="features"/> (length <see cref="RiskFeatures.Count"/>) for an enterprise as of
    /// <paramref name="at"/>; false when the enterprise has not reported yet.
    /// </summary>
    public bool TryGetFeatures(EnterpriseId id, DateTimeOffset at, Span<float> features)
    {
        if (!_enterpriseIndex.TryGetValue(id.Value, out var index))
        {
            return false;
        }
        FillFeatures(index, at, features);
        return true;
    }

    private int Intern(in Report report)
    {
        if (_enterpriseIndex.TryGetValue(report.EnterpriseId.Value, out var index))
        {
            return index;
        }
        index = _enterprises.Count;
        _enterpriseIndex.Add(report.EnterpriseId.Value, index);
        _enterprises.Add((report.EnterpriseId, report.Region, report.Sector));
        _window.EnsureCapacity(index + 1);
        _alertHistory.EnsureCapacity(index + 1);
        if (_openAlerts.Length <= index)
        {
            var size = Math.Max(16, _openAlerts.Length * 2);
            Array.Resize(ref _openAlerts, size);
            Array.Resize(ref _grade, size);
            Array.Resize(ref _gradedHour, size);
            Array.Resize(ref _regrade, size);
            Array.Resize(ref _inspected, size);
            Array.Resize(ref _overdueCheck, size);
        }
        return index;
    }

    private ref DeviceState Device(int enterprise, string deviceId)
    {
        // The index first: finding it may grow the array, and `_devices[...]` would read the old one.
        var index = DeviceIndex(enterprise, deviceId, out _);
        return ref _devices[index];
    }

    private int DeviceIndex(int enterprise, string deviceId, out bool added)
    {
        added = !_deviceIndex.TryGetValue((enterprise, deviceId), out var index);
        if (added)
        {
            index = _deviceIndex.Count;
            _deviceIndex.Add((enterprise, deviceId), index);
            if (_devices.Length <= index)
            {
                Array.Resize(ref _devices, _devices.Length * 2);
            }
        }
        return index;
    }

    private void ColdChain(in Report report, int enterprise, ColdChainReading reading, List<Alert> changes)
    {
        if (reading.StorageClass == FoodStorageClass.Frozen)
        {
            Storage(in report, enterprise, reading.DeviceId, reading.TemperatureC, double.NegativeInfinity, _rules.FrozenMaxC, "frozen store", RuleIds.FrozenMax, RuleIds.ColdChainAnomaly, changes);
        }
        else
        {
            Storage(in report, enterprise, reading.DeviceId, reading.TemperatureC, _rules.ChilledMinC, _rules.ChilledMaxC, "chilled store", RuleIds.ChilledRange, RuleIds.ColdChainAnomaly, changes);
        }
    }

    private void DrugStorage(in Report report, int enterprise, DrugStorageReading reading, List<Alert> changes)
    {
        var (min, max, what, ruleId) = reading.StorageClass switch
        {
            DrugStorageClass.Cold => (_rules.DrugColdMinC, _rules.DrugColdMaxC, "cold drug store", RuleIds.DrugStorageCold),
            DrugStorageClass.Cool => (double.NegativeInfinity, _rules.DrugCoolMaxC, "cool drug store", RuleIds.DrugStorageCool),
            _ => (_rules.DrugNormalMinC, _rules.DrugNormalMaxC, "drug store", RuleIds.DrugStorageNormal),
        };
        Storage(in report, enterprise, reading.WarehouseId, reading.TemperatureC, min, max, what, ruleId, RuleIds.DrugStorageAnomaly, changes);
    }

    // A store's temperature against its range [min, max]: an excursion is judged on its duration in event time.
    private void Storage(in Report report, int enterprise, string deviceId, double t, double min, double max, string what, string ruleId, string anomalyRuleId, List<Alert> changes)
    {
        ref var device = ref Device(enterprise, deviceId);
        var at = report.ObservedAt.UtcTicks;
        if (at <= device.LastObserved)
        {
            return;
        }
        Anomaly(ref device.Temperature, in report, enterprise, deviceId, "temperatureC", t, what, anomalyRuleId, changes);
        var excess = t > max ? t - max : t < min ? min - t : 0;
        var gap = device.LastObserved == 0 ? TimeSpan.Zero : TimeSpan.FromTicks(at - device.LastObserved);
        device.LastObserved = at;
        var hour = at / TimeSpan.TicksPerHour;

        if (excess <= 0)
        {
            _window.AddReading(enterprise, hour, false, 0, 0);
            device.RunStart = 0;
            Resolve(ref device.Alert, enterprise, changes);
            return;
        }

        // A gap longer than the rule tolerates breaks the run: nobody saw the store in between.
        if (device.RunStart == 0 || gap > _rules.MaxReadingGap)
        {
            device.RunStart = at;
        }
        var excursionMinutes = gap > _rules.MaxReadingGap || device.RunStart == at ? 1 : gap.TotalMinutes;
        _window.AddReading(enterprise, hour, true, excursionMinutes, excess);

        var duration = TimeSpan.FromTicks(at - device.RunStart);
        if (duration < _rules.MinExcursion)
        {
            return;
        }
        var limit = t > max ? max : min;
        var severity = duration >= _rules.CriticalExcursion || excess >= 10 ? Severity.Critical : Severity.Warning;
        var direction = t > max ? "above" : "below";
        var summary = string.Create(CultureInfo.InvariantCulture, $"{what} {deviceId} at {t:0.0} °C, {direction} {limit:0.#} °C for {duration.TotalMinutes:0} min");
        ExplanationItem[] explanation =
        [
            new("temperatureC", t, limit, null),
            new("excursionMinutes", Math.Round(duration.TotalMinutes, 1), _rules.MinExcursion.TotalMinutes, null),
        ];
        Raise(ref device.Alert, in report, enterprise, ruleId, deviceId, severity, summary, explanation, new DateTimeOffset(device.RunStart, TimeSpan.Zero), changes);
    }

    private void Residue(in Report report, int enterprise, AgriResidue residue, List<Alert> changes)
    {
        if (!_residueLimits.TryFind(residue.Commodity, residue.Pesticide, out var limit))
        {
            // No limit for the pair: the sample is stored but cannot be judged.
            _window.AddReading(enterprise, report.ObservedAt.UtcTicks / TimeSpan.TicksPerHour, false, 0, 0);
            return;
        }
        var over = residue.ValueMgKg > limit.MrlMgKg;
        _window.AddSampling(enterprise, report.ObservedAt.UtcTicks / TimeSpan.TicksPerHour, over);
        ref var slot = ref Judged(in report, enterprise, SubjectIndex(enterprise, residue.Commodity, residue.Pesticide), over, changes, out var raise);
        if (!raise)
        {
            return;
        }
        var subject = string.Concat(residue.Commodity, "/", residue.Pesticide);
        var table = _residueLimits.IsSample ? "GB 2763 sample table" : "GB 2763";
        var summary = string.Create(CultureInfo.InvariantCulture, $"{residue.Commodity}: {residue.Pesticide} at {residue.ValueMgKg:0.###} mg/kg, over the limit of {limit.MrlMgKg:0.###} mg/kg for {limit.Food} ({table})");
        ExplanationItem[] explanation =
        [
            new("valueMgKg", residue.ValueMgKg, limit.MrlMgKg, null),
            new("timesLimit", Math.Round(residue.ValueMgKg / limit.MrlMgKg, 2), 1, null),
        ];
        Raise(ref slot.Alert, in report, enterprise, RuleIds.ResidueOverLimit, subject, SampleSeverity(residue.ValueMgKg, limit.MrlMgKg), summary, explanation, report.ObservedAt, changes);
    }

    private void Sampling(in Report report, int enterprise, FoodSampling sampling, List<Alert> changes)
    {
        var over = sampling.Value > sampling.Limit;
        _window.AddSampling(enterprise, report.ObservedAt.UtcTicks / TimeSpan.TicksPerHour, over);
        ref var slot = ref Judged(in report, enterprise, SubjectIndex(enterprise, sampling.Product, sampling.TestItem), over, changes, out var raise);
        if (!raise)
        {
            return;
        }
        var subject = string.Concat(sampling.Product, "/", sampling.TestItem);
        var summary = string.Create(CultureInfo.InvariantCulture, $"sample of {sampling.Product}: {sampling.TestItem} at {sampling.Value:0.###} {sampling.Unit}, over the limit of {sampling.Limit:0.###} {sampling.Unit}");
        ExplanationItem[] explanation = [new("value", sampling.Value, sampling.Limit, null)];
        Raise(ref slot.Alert, in report, enterprise, RuleIds.SamplingOverLimit, subject, SampleSeverity(sampling.Value, sampling.Limit), summary, explanation, report.ObservedAt, changes);
    }

    // The state of a subject judged report by report (a commodity and pesticide, a product and test item, a batch).
    // A failing report raises or extends the subject's alert (`raise`); a later passing one resolves it. A report
    // older than the subject's newest changes nothing; one as old counts (two samples may share a minute).
    private ref DeviceState Judged(in Report report, int enterprise, int subject, bool failed, List<Alert> changes, out bool raise)
    {
        ref var state = ref _devices[subject];
        var at = report.ObservedAt.UtcTicks;
        raise = false;
        if (at < state.LastObserved)
        {
            return ref state;
        }
        state.LastObserved = at;
        if (failed)
        {
            raise = true;
        }
        else
        {
            Resolve(ref state.Alert, enterprise, changes);
        }
        return ref state;
    }

    private void DrugBatch(in Report report, int enterprise, DrugBatch batch, List<Alert> changes)
    {
        var today = DateOnly.FromDateTime(report.ObservedAt.UtcDateTime);
        var daysPast = today.DayNumber - batch.Expiry.DayNumber;
        var expired = batch.Movement == Movement.Out && daysPast > 0;
        _window.AddBatch(enterprise, report.ObservedAt.UtcTicks / TimeSpan.TicksPerHour, expired);
        var subject = string.Concat(batch.ApprovalNo, "/", batch.BatchNo);
        ref var slot = ref Judged(in report, enterprise, DeviceIndex(enterprise, subject, out _), expired, changes, out var raise);
        if (!raise)
        {
            return;
        }
        var summary = string.Create(CultureInfo.InvariantCulture, $"drug batch {batch.BatchNo} ({batch.ApprovalNo}) moved out {daysPast} days after its expiry on {batch.Expiry:yyyy-MM-dd}");
        ExplanationItem[] explanation = [new("daysPastExpiry", daysPast, 0, null), new("quantity", batch.Quantity, null, null)];
        Raise(ref slot.Alert, in report, enterprise, RuleIds.DrugBatchExpired, subject, Severity.Critical, summary, explanation, report.ObservedAt, changes);
    }

    private void FoodBatch(in Report report, int enterprise, FoodBatch batch, List<Alert> changes)
    {
        var today = DateOnly.FromDateTime(report.ObservedAt.UtcDateTime);
        var end = batch.ProductionDate.AddDays(batch.ShelfLifeDays);
        var daysPast = today.DayNumber - end.DayNumber;
        _window.AddBatch(enterprise, report.ObservedAt.UtcTicks / TimeSpan.TicksPerHour, daysPast > 0);
        var subject = string.Concat(batch.LicenceNo, "/", batch.BatchNo);
        ref var slot = ref Judged(in report, enterprise, DeviceIndex(enterprise, subject, out _), daysPast > 0, changes, out var raise);
        if (!raise)
        {
            return;
        }
        var summary = string.Create(CultureInfo.InvariantCulture, $"food batch {batch.BatchNo} of {batch.Product} still reported {daysPast} days after its shelf life ended on {end:yyyy-MM-dd}");
        ExplanationItem[] explanation = [new("daysPastShelfLife", daysPast, 0, null), new("quantity", batch.Quantity, null, null)];
        Raise(ref slot.Alert, in report, enterprise, RuleIds.FoodBatchExpired, subject, Severity.Warning, summary, explanation, report.ObservedAt, changes);
    }

    // The newest inspection of each piece of equipment (by inspection date) sets when the next one is due; a failed
    // one alerts until a pass. Overdue equipment is found by CheckOverdue as the enterprise's reports move event time on.
    private void Inspection(in Report report, int enterprise, EquipmentInspection inspection, List<Alert> changes)
    {
        var failed = inspection.Result == InspectionResult.Fail;
        _window.AddReading(enterprise, report.ObservedAt.UtcTicks / TimeSpan.TicksPerHour, failed, 0, 0);
        var index = DeviceIndex(enterprise, string.Concat(InspectionSubject, inspection.EquipmentId), out var added);
        if (added)
        {
            (_inspected[enterprise] ??= []).Add(new InspectedEquipment(index, inspection.EquipmentId, inspection.EquipmentType));
        }
        ref var state = ref _devices[index];
        var inspectedAt = inspection.InspectedAt.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc).Ticks;
        if (inspectedAt < state.LastObserved)
        {
            return;
        }
        state.LastObserved = inspectedAt;
        // Overdue from the day after the due date.
        state.Due = inspection.NextDueDate.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc).Ticks;
        _overdueCheck[enterprise] = 0;
        if (report.ObservedAt.UtcTicks < state.Due)
        {
            state.OverdueDays = 0;
            Resolve(ref state.Overdue, enterprise, changes);
        }
        if (!failed)
        {
            Resolve(ref state.Alert, enterprise, changes);
            return;
        }
        var type = inspection.EquipmentType.Name();
        var summary = string.Create(CultureInfo.InvariantCulture, $"{type} {inspection.EquipmentId} failed its periodic inspection on {inspection.InspectedAt:yyyy-MM-dd}");
        ExplanationItem[] explanation = [new("inspectionFailed", 1, 0, null)];
        Raise(ref state.Alert, in report, enterprise, RuleIds.InspectionFailed, inspection.EquipmentId, Severity.Warning, summary, explanation, report.ObservedAt, changes);
    }

    // At most once an hour of an enterprise's event time: equipment past its due date opens an overdue alert, updated
    // as each further day passes (critical after the configured days).
    private void CheckOverdue(in Report report, int enterprise, List<Alert> changes)
    {
        var at = report.ObservedAt.UtcTicks;
        _overdueCheck[enterprise] = at + TimeSpan.TicksPerHour;
        foreach (var equipment in _inspected[enterprise]!)
        {
            ref var state = ref _devices[equipment.Index];
            if (at < state.Due)
            {
                continue;
            }
            var days = ((at - state.Due) / TimeSpan.TicksPerDay) + 1;
            if (days == state.OverdueDays)
            {
                continue;
            }
            state.OverdueDays = days;
            var due = new DateTimeOffset(state.Due, TimeSpan.Zero).AddDays(-1);
            var severity = days > _rules.CriticalOverdueDays ? Severity.Critical : Severity.Warning;
            var summary = string.Create(CultureInfo.InvariantCulture, $"{equipment.Type.Name()} {equipment.EquipmentId}: periodic inspection overdue by {days} days (due {due:yyyy-MM-dd})");
            ExplanationItem[] explanation = [new("daysOverdue", days, 0, null)];
            Raise(ref state.Overdue, in report, enterprise, RuleIds.InspectionOverdue, equipment.EquipmentId, severity, summary, explanation,
                new DateTimeOffset(state.Due, TimeSpan.Zero), changes, kind: ReportKind.EquipmentInspection);
        }
    }

    // Days the most overdue piece of the enterprise's equipment is past its due date.
    private float OverdueDays(int enterprise, long at)
    {
        if (_inspected[enterprise] is not { } equipment)
        {
            return 0;
        }
        var most = 0.0;
        foreach (var e in equipment)
        {
            most = Math.Max(most, (at - _devices[e.Index].Due) / (double)TimeSpan.TicksPerDay);
        }
        return (float)Math.Round(most, 2);
    }

    // A sampled subject named by two strings (commodity and pesticide, product and test item): its device slot, found
    // without building its name, which only a new subject or an alert needs.
    private int SubjectIndex(int enterprise, string first, string second)
    {
        if (!_subjectIndex.TryGetValue((enterprise, first, second), out var index))
        {
            index = DeviceIndex(enterprise, string.Concat(first, "/", second), out _);
            _subjectIndex.Add((enterprise, first, second), index);
        }
        return index;
    }

    private Severity SampleSeverity(double value, double limit) =>
        value >= limit * _rules.CriticalSampleFactor ? Severity.Critical : Severity.Warning;

    private void Resolve(ref Alert? slot, int enterprise, List<Alert> changes)
    {
        if (slot is { } open)
        {
            slot = null;
            _openAlerts[enterprise]--;
            _openById.Remove(open.AlertId);
            _acknowledged.Remove(open.AlertId);
            changes.Add(open with { Status = AlertStatus.Resolved });
        }
    }

    private void Telemetry(in Report report, int enterprise, EquipmentTelemetry telemetry, List<Alert> changes)
    {
        // Flags (0/1) are judged by rules; continuous metrics (pressure, current, speed…) by the anomaly detector.
        if (telemetry.Metric is not (EquipmentMetrics.TrappedPassenger or EquipmentMetrics.DoorFault))
        {
            Anomaly(ref Series(enterprise, telemetry.EquipmentId, telemetry.Metric), in report, enterprise, telemetry.EquipmentId, telemetry.Metric, telemetry.Value, telemetry.EquipmentType.Name(), RuleIds.TelemetryAnomaly, changes);
            return;
        }
        if (telemetry.EquipmentType != EquipmentType.Elevator || telemetry.Metric != EquipmentMetrics.TrappedPassenger)
        {
            return;
        }
        ref var device = ref Device(enterprise, telemetry.EquipmentId);
        var at = report.ObservedAt.UtcTicks;
        if (at <= device.LastObserved)
        {
            return;
        }
        device.LastObserved = at;
        var hour = at / TimeSpan.TicksPerHour;
        if (telemetry.Value < 0.5)
        {
            _window.AddReading(enterprise, hour, false, 0, 0);
            device.RunStart = 0;
            Resolve(ref device.Alert, enterprise, changes);
            return;
        }
        _window.AddReading(enterprise, hour, true, 0, 0);
        if (device.RunStart == 0)
        {
            device.RunStart = at;
            _window.AddTrapped(enterprise, hour);
        }
        var minutes = TimeSpan.FromTicks(at - device.RunStart).TotalMinutes;
        var summary = string.Create(CultureInfo.InvariantCulture, $"elevator {telemetry.EquipmentId}: passengers trapped for {minutes:0} min");
        ExplanationItem[] explanation = [new(EquipmentMetrics.TrappedPassenger, telemetry.Value, 0, null), new("trappedMinutes", Math.Round(minutes, 1), null, null)];
        Raise(ref device.Alert, in report, enterprise, RuleIds.ElevatorTrapped, telemetry.EquipmentId, Severity.Critical, summary, explanation, new DateTimeOffset(device.RunStart, TimeSpan.Zero), changes);
    }

    // Scores one reading of a numeric series with its own online detector; opens an alert when the score reaches
    // the alert level and resolves it once the score falls below the resolve level.
    private void Anomaly(ref SeriesState series, in Report report, int enterprise, string subject, string metric, double value, string what, string ruleId, List<Alert> changes)
    {
        var at = report.ObservedAt.UtcTicks;
        if (at <= series.LastObserved)
        {
            return;
        }
        series.LastObserved = at;
        var score = _detector.Update(ref series.Detector, at, value);
        var expected = series.Detector.Expected;
        var sigma = series.Detector.Sigma;
        if (score < _rules.AnomalyResolveScore)
        {
            Resolve(ref series.Alert, enterprise, changes);
            return;
        }
        if (score < _rules.AnomalyAlertScore)
        {
            return;
        }
        // The kind tells an inspector whether to send a technician for the probe or look at the store itself.
        var kind = series.Detector.Kind;
        var cause = kind.IsSensorFault() ? "a sensor fault" : "a process change";
        var summary = string.Create(CultureInfo.InvariantCulture, $"{what} {subject}: {metric} {value:0.##} is unusual: {kind.Describe()}, {cause} (expected about {expected:0.##} ± {sigma:0.##}; anomaly score {score:0.00})");
        ExplanationItem[] explanation =
        [
            new(metric, value, null, null),
            new("expected", Math.Round(expected, 3), null, null),
            new("anomalyScore", Math.Round(score, 4), _rules.AnomalyAlertScore, null),
            new("sigma", Math.Round(sigma, 3), null, null),
        ];
        Raise(ref series.Alert, in report, enterprise, ruleId, subject, Severity.Warning, summary, explanation, series.Alert?.FirstSeen ?? report.ObservedAt, changes, violation: false);
    }

    // Telemetry series are keyed by equipment and metric; a cold store's temperature lives in its DeviceState.
    private ref SeriesState Series(int enterprise, string subject, string metric)
    {
        if (!_seriesIndex.TryGetValue((enterprise, subject, metric), out var index))
        {
            index = _seriesIndex.Count;
            _seriesIndex.Add((enterprise, subject, metric), index);
            if (_series.Length <= index)
            {
                Array.Resize(ref _series, _series.Length * 2);
            }
        }
        return ref _series[index];
    }

    private void Raise(ref Alert? slot, in Report report, int enterprise, string ruleId, string subject, Severity severity, string summary, ExplanationItem[] explanation, DateTimeOffset firstSeen, List<Alert> changes, bool violation = true, ReportKind? kind = null)
    {
        var (score, version) = ScoreWithReasons(enterprise, report.ObservedAt);
        explanation = WithModelReasons(explanation);
        if (slot is { } open)
        {
            slot = open with
            {
                Status = _acknowledged.Contains(open.AlertId) ? AlertStatus.Acknowledged : AlertStatus.Open,
                Severity = (Severity)Math.Max((int)open.Severity, (int)severity),
                RiskScore = score,
                ModelVersion = version,
                Summary = summary,
                Explanation = explanation,
                LastSeen = report.ObservedAt,
                Count = open.Count + 1,
            };
        }
        else
        {
            var key = string.Concat(ruleId, "|", report.EnterpriseId.Value, "|", subject);
            _openAlerts[enterprise]++;
            // Anomalies are not violations: they show in the score (open alerts) but not in the grade's alert history.
            if (violation)
            {
                _alertHistory.AddOpened(enterprise, report.ObservedAt.UtcTicks / TimeSpan.TicksPerDay, severity == Severity.Critical);
                _regrade[enterprise] = true;
            }
            slot = new Alert
            {
                AlertId = AlertIdFor(key, firstSeen),
                Key = key,
                EnterpriseId = report.EnterpriseId.Value,
                Region = report.Region.ToString(),
                Sector = report.Sector,
                Kind = (kind ?? report.Kind).Name(),
                Severity = severity,
                Status = AlertStatus.Open,
                RiskScore = score,
                RuleId = ruleId,
                ModelVersion = version,
                Explanation = explanation,
                Summary = summary,
                FirstSeen = firstSeen,
                LastSeen = report.ObservedAt,
                Count = 1,
            };
        }
        _openById[slot.AlertId] = slot;
        changes.Add(slot);
    }

    /// <summary>
    /// Acknowledges the open alert <paramref name="alertId"/>: it keeps updating as readings arrive, with status
    /// acknowledged, until it resolves. Returns the alert as acknowledged, or null when no alert with that id is open;
    /// <paramref name="changed"/> is false when it was acknowledged already.
    /// </summary>
    public Alert? Acknowledge(string alertId, out bool changed)
    {
        changed = false;
        if (!_openById.TryGetValue(alertId, out var alert))
        {
            return null;
        }
        if (_acknowledged.Add(alertId))
        {
            changed = true;
            alert = alert with { Status = AlertStatus.Acknowledged };
            _openById[alertId] = alert;
        }
        return alert;
    }

    private void Grade(int enterprise, DateTimeOffset at, List<GradeChange> grades)
    {
        _gradedHour[enterprise] = at.UtcTicks / TimeSpan.TicksPerHour;
        _regrade[enterprise] = false;
        var (score, version) = ScoreWithReasons(enterprise, at);
        _alertHistory.Sum(enterprise, at.UtcTicks / TimeSpan.TicksPerDay, out var alerts, out var critical);
        var (grade, decisive) = _rules.Grading.Decide(score, alerts, critical);
        var previous = _grade[enterprise];
        if ((byte)grade == previous)
        {
            return;
        }
        _grade[enterprise] = (byte)grade;
        var model = WithModelReasons([decisive]);
        var (id, region, sector) = _enterprises[enterprise];
        grades.Add(new GradeChange(id.Value, region.ToString(), sector, previous == 0 ? null : (CreditGrade)previous, grade, score, model, version, at));
    }

    // Scores the enterprise with its sector's model, leaving the features in _features and the attributions in _contributions.
    private (double Score, string Version) ScoreWithReasons(int enterprise, DateTimeOffset at)
    {
        FillFeatures(enterprise, at, _features);
        if (_models.For(_enterprises[enterprise].Sector) is not { } scorer)
        {
            Array.Clear(_contributions);
            return (0, NoModel);
        }
        return (Math.Round(scorer.Score(_features, _contributions), 4), scorer.ModelVersion);
    }

    // The rule's evidence followed by the model's top contributing features (largest share of the score first).
    private ExplanationItem[] WithModelReasons(ExplanationItem[] evidence)
    {
        Span<int> top = stackalloc int[TopContributions];
        var count = TopFeatures(top);
        if (count == 0)
        {
            return evidence;
        }
        var items = new ExplanationItem[evidence.Length + count];
        evidence.CopyTo(items, 0);
        for (var i = 0; i < count; i++)
        {
            items[evidence.Length + i] = ModelReason(top[i]);
        }
        return items;
    }

    private ExplanationItem ModelReason(int feature) =>
        new(RiskFeatures.Names[feature], Math.Round(_features[feature], 4), RuleLimit(feature), Math.Round(_contributions[feature], 4));

    // Indices of the features with the largest positive contributions, most first; contributions under 0.0001 do not count.
    private int TopFeatures(Span<int> top)
    {
        var count = 0;
        for (var f = 0; f < RiskFeatures.Count; f++)
        {
            if (!(_contributions[f] >= 1e-4))
            {
                continue;
            }
            var at = count < top.Length ? count++ : top.Length;
            while (at > 0 && _contributions[top[at - 1]] < _contributions[f])
            {
                if (at < top.Length)
                {
                    top[at] = top[at - 1];
                }
                at--;
            }
            if (at < top.Length)
            {
                top[at] = f;
            }
        }
        return count;
    }

    // The regulatory limit a feature is judged against, where a rule applies to it.
    private static double? RuleLimit(int feature) => feature switch
    {
        RiskFeatures.MaxExcessC24h => 0,
        RiskFeatures.TrappedEvents24h => 0,
        RiskFeatures.FailedSamplings24h => 0,
        RiskFeatures.InspectionOverdueDays => 0,
        RiskFeatures.ExpiredBatches24h => 0,
        _ => null,
    };

    private void FillFeatures(int enterprise, DateTimeOffset at, Span<float> features)
    {
        var hour = at.UtcTicks / TimeSpan.TicksPerHour;
        var totals = _window.Sum(enterprise, hour);
        features[RiskFeatures.Sector] = (float)_enterprises[enterprise].Sector;
        features[RiskFeatures.Readings24h] = totals.Readings;
        features[RiskFeatures.ExcursionMinutes24h] = totals.ExcursionMinutes;
        features[RiskFeatures.OverLimitShare24h] = totals.Readings > 0 ? totals.OverLimit / totals.Readings : 0;
        features[RiskFeatures.TrappedEvents24h] = totals.Trapped;
        features[RiskFeatures.MaxExcessC24h] = totals.MaxExcess;
        features[RiskFeatures.OpenAlerts] = _openAlerts[enterprise];
        features[RiskFeatures.AdverseEvents24h] = totals.AdverseEvents;
        features[RiskFeatures.FailedSamplings24h] = totals.FailedSamplings;
        features[RiskFeatures.InspectionOverdueDays] = OverdueDays(enterprise, at.UtcTicks);
        features[RiskFeatures.ExpiredBatches24h] = totals.ExpiredBatches;
    }

    // Same key and start give the same id, so a replayed stream reproduces its alerts instead of duplicating them.
    private static string AlertIdFor(string key, DateTimeOffset firstSeen)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(key + "|" + firstSeen.UtcTicks.ToString(CultureInfo.InvariantCulture)), hash);
        return "al-" + Convert.ToHexStringLower(hash[..8]);
    }

    private struct SeriesState
    {
        public long LastObserved;
        public AnomalyState Detector;
        public Alert? Alert;
    }

    // Inspections keep their state in the device table under their own key, so an elevator's telemetry and its
    // inspections do not overwrite each other; LastObserved is then the newest inspection date.
    private const string InspectionSubject = "inspection:";

    private readonly record struct InspectedEquipment(int Index, string EquipmentId, EquipmentType Type);

    private struct DeviceState
    {
        public SeriesState Temperature;
        public long LastObserved;
        public long RunStart;
        public Alert? Alert;

        // Inspections only: when the equipment becomes overdue, the overdue days last alerted, and that alert.
        public long Due;
        public long OverdueDays;
        public Alert? Overdue;
    }
}
