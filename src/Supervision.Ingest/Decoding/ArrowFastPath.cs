using System.Text;
using Apache.Arrow;
using Supervision.Domain.Identifiers;
using Supervision.Domain.Reports;
using Supervision.Ingest.Validation;

namespace Supervision.Ingest.Decoding;

/// <summary>
/// The common case of an Arrow body, decoded column-wise: rows of the bulk kinds (<c>food.coldchain</c>,
/// <c>equipment.telemetry</c>) whose values are all present and valid become reports without a
/// <see cref="RawRecord"/>, repeated strings are looked up rather than decoded, and the previous row's parsed value
/// is reused when a column repeats. Any row that is not plainly valid returns false and takes the general path,
/// which gives the same verdict and words the errors, so both paths accept exactly the same rows.
/// </summary>
internal sealed class ArrowFastPath
{
    private static readonly UTF8Encoding Strict = new(false, throwOnInvalidBytes: true);
    private readonly ReportValidator _validator;
    private readonly Utf8Interner _interner;
    private readonly DateTimeOffset _latest;
    private readonly int[] _header;
    private readonly int[] _payload;
    private readonly Role[] _roles;
    private readonly IArrowArray[] _payloadArrays;
    private readonly int[] _columnOf = new int[(int)Role.Count];
    private readonly Memo _enterpriseMemo = new();
    private readonly Memo _regionMemo = new();
    private readonly Memo _kindMemo = new();
    private readonly Memo _timeMemo = new();
    private readonly Memo _storageMemo = new();
    private FoodStorageClass _storage;
    private DateTimeOffset _observedAt;
    private RecordBatch _batch = null!;
    private StringArray _reportIds = null!, _enterprises = null!, _regions = null!, _sectors = null!, _kinds = null!, _times = null!;
    private EnterpriseId _enterprise;
    private RegionCode _region;
    private ReportKind _kind;

    private ArrowFastPath(ReportValidator validator, Utf8Interner interner, DateTimeOffset now, TimeSpan skew, int[] header, int[] payload, string[] payloadNames)
    {
        _validator = validator;
        _interner = interner;
        _latest = now + skew;
        _header = header;
        _payload = payload;
        _roles = [.. payloadNames.Select(RoleOf)];
        _payloadArrays = new IArrowArray[payload.Length];
    }

    /// <summary>A fast path for this schema, or null when the schema is not the plain shape it handles.</summary>
    public static ArrowFastPath? TryCreate(Schema schema, ReportValidator validator, Utf8Interner interner, DateTimeOffset now, TimeSpan skew)
    {
        var header = new int[6];
        System.Array.Fill(header, -1);
        var payload = new List<int>();
        var names = new List<string>();
        for (var c = 0; c < schema.FieldsList.Count; c++)
        {
            var field = schema.FieldsList[c];
            var h = System.Array.IndexOf(ReportDecoder.Column.HeaderNames, field.Name);
            if (h >= 0 && field.DataType is Apache.Arrow.Types.StringType)
            {
                header[h] = c;
            }
            else if (field.Name.StartsWith("payload.", StringComparison.Ordinal))
            {
                payload.Add(c);
                names.Add(field.Name[8..]);
            }
            else
            {
                return null;
            }
        }
        return System.Array.IndexOf(header, -1) >= 0 ? null : new ArrowFastPath(validator, interner, now, skew, header, [.. payload], [.. names]);
    }

    public void Begin(RecordBatch batch)
    {
        _batch = batch;
        _reportIds = (StringArray)batch.Column(_header[0]);
        _enterprises = (StringArray)batch.Column(_header[1]);
        _regions = (StringArray)batch.Column(_header[2]);
        _sectors = (StringArray)batch.Column(_header[3]);
        _kinds = (StringArray)batch.Column(_header[4]);
        _times = (StringArray)batch.Column(_header[5]);
        for (var p = 0; p < _payload.Length; p++)
        {
            _payloadArrays[p] = batch.Column(_payload[p]);
        }
        _storageMemo.Reset();
        _enterpriseMemo.Reset();
        _regionMemo.Reset();
        _kindMemo.Reset();
        _timeMemo.Reset();
    }

    /// <summary>The report of <paramref name="row"/> when it is plainly valid; false sends it down the general path.</summary>
    public bool TryRow(int row, out Report report)
    {
        report = default;
        var (reportIds, enterprises, regions, sectors, kinds, times) = (_reportIds, _enterprises, _regions, _sectors, _kinds, _times);
        if (reportIds.IsNull(row) || enterprises.IsNull(row) || regions.IsNull(row) || sectors.IsNull(row) || kinds.IsNull(row) || times.IsNull(row))
        {
            return false;
        }

        var kindBytes = kinds.GetBytes(row);
        if (!_kindMemo.Matches(kindBytes))
        {
            var name = _interner.Get(kindBytes);
            if (name is null || !ReportKinds.TryParse(name, out var parsed) || parsed is not (ReportKind.FoodColdChain or ReportKind.EquipmentTelemetry))
            {
                return false;
            }
            _kind = parsed;
            _kindMemo.Set(kindBytes);
        }
        var kind = _kind;
        if (!sectors.GetBytes(row).SequenceEqual(kind == ReportKind.FoodColdChain ? "food"u8 : "equipment"u8))
        {
            return false;
        }

        var enterpriseBytes = enterprises.GetBytes(row);
        if (!_enterpriseMemo.Matches(enterpriseBytes))
        {
            var text = _interner.Get(enterpriseBytes);
            if (text is null || !_validator.TryEnterprise(text, out var id, out _))
            {
                return false;
            }
            _enterprise = id;
            _enterpriseMemo.Set(enterpriseBytes);
        }
        var regionBytes = regions.GetBytes(row);
        if (!_regionMemo.Matches(regionBytes))
        {
            var text = _interner.Get(regionBytes);
            if (text is null || !RegionCode.TryParse(text, out var region, out _))
            {
                return false;
            }
            _region = region;
            _regionMemo.Set(regionBytes);
        }

        // Rows of one reading cycle share their time: parse it once.
        var timeBytes = times.GetBytes(row);
        if (!_timeMemo.Matches(timeBytes))
        {
            Span<char> timeChars = stackalloc char[40];
            if (timeBytes.Length > timeChars.Length || Encoding.ASCII.GetChars(timeBytes, timeChars) is var n && !IsoTimestamp.TryParse(timeChars[..n], out _observedAt))
            {
                _timeMemo.Reset();
                return false;
            }
            _timeMemo.Set(timeBytes);
        }
        var observedAt = _observedAt;
        if (observedAt > _latest)
        {
            return false;
        }

        var idBytes = reportIds.GetBytes(row);
        if (idBytes.Length == 0 || idBytes.Length > ReportValidator.MaxReportIdLength * 3)
        {
            return false;
        }
        string reportId;
        try
        {
            reportId = Strict.GetString(idBytes);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
        if (reportId.Length > ReportValidator.MaxReportIdLength)
        {
            return false;
        }

        ReportPayload? payload = kind == ReportKind.FoodColdChain ? ColdChain(row) : Telemetry(row);
        if (payload is null)
        {
            return false;
        }
        report = new Report(reportId, _enterprise, _region, kind, observedAt, payload);
        return true;
    }

    // Which payload fields the row carries, as a bit per role, with the column of each.
    private int Present(int row)
    {
        var present = 0;
        for (var p = 0; p < _payloadArrays.Length; p++)
        {
            if (!_payloadArrays[p].IsNull(row))
            {
                present |= 1 << (int)_roles[p];
                _columnOf[(int)_roles[p]] = p;
            }
        }
        return present;
    }

    private const int ColdChainFields = (1 << (int)Role.DeviceId) | (1 << (int)Role.StorageClass) | (1 << (int)Role.TemperatureC);
    private const int TelemetryFields = (1 << (int)Role.EquipmentId) | (1 << (int)Role.EquipmentType) | (1 << (int)Role.Metric) | (1 << (int)Role.Value);

    private ColdChainReading? ColdChain(int row)
    {
        if (Present(row) != ColdChainFields)
        {
            return null;
        }
        var device = Text(Role.DeviceId, row);
        var temperature = Number(Role.TemperatureC, row);
        if (device is not { Length: > 0 and <= 64 } || !(temperature >= -80 && temperature <= 60)
            || _payloadArrays[_columnOf[(int)Role.StorageClass]] is not StringArray storageColumn)
        {
            return null;
        }
        var storageBytes = storageColumn.GetBytes(row);
        if (!_storageMemo.Matches(storageBytes))
        {
            if (!EquipmentMetrics.TryParseStorage(_interner.Get(storageBytes), out _storage))
            {
                _storageMemo.Reset();
                return null;
            }
            _storageMemo.Set(storageBytes);
        }
        return new ColdChainReading(device, _storage, temperature);
    }

    private EquipmentTelemetry? Telemetry(int row)
    {
        if (Present(row) != TelemetryFields)
        {
            return null;
        }
        var equipment = Text(Role.EquipmentId, row);
        var metric = Text(Role.Metric, row);
        var value = Number(Role.Value, row);
        if (equipment is not { Length: > 0 and <= 64 } || metric is not { Length: > 0 and <= 64 }
            || !EquipmentMetrics.TryParseType(Text(Role.EquipmentType, row), out var equipmentType) || !(value >= -1e9 && value <= 1e9))
        {
            return null;
        }
        return new EquipmentTelemetry(equipment, equipmentType, metric, value);
    }

    private string? Text(Role role, int row) =>
        _payloadArrays[_columnOf[(int)role]] is StringArray s ? _interner.Get(s.GetBytes(row)) : null;

    private double Number(Role role, int row) =>
        _payloadArrays[_columnOf[(int)role]] is DoubleArray d ? d.GetValue(row)!.Value : double.NaN;

    private static Role RoleOf(string name) => name switch
    {
        "deviceId" => Role.DeviceId,
        "storageClass" => Role.StorageClass,
        "temperatureC" => Role.TemperatureC,
        "equipmentId" => Role.EquipmentId,
        "equipmentType" => Role.EquipmentType,
        "metric" => Role.Metric,
        "value" => Role.Value,
        _ => Role.Other,
    };

    private enum Role
    {
        DeviceId,
        StorageClass,
        TemperatureC,
        EquipmentId,
        EquipmentType,
        Metric,
        Value,
        Other,
        Count,
    }

    /// <summary>The bytes of the last value parsed from a column, so repeats in the next rows skip parsing.</summary>
    private sealed class Memo
    {
        private readonly byte[] _bytes = new byte[64];
        private int _length = -1;

        public bool Matches(ReadOnlySpan<byte> bytes) => _length == bytes.Length && bytes.SequenceEqual(_bytes.AsSpan(0, _length));

        public void Set(ReadOnlySpan<byte> bytes) => _length = bytes.TryCopyTo(_bytes) ? bytes.Length : -1;

        public void Reset() => _length = -1;
    }
}
