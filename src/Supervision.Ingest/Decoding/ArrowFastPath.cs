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
    private readonly bool[] _nullable;

    private readonly Memo _enterpriseMemo = new();
    private readonly Memo _regionMemo = new();
    private readonly Memo _kindMemo = new();
    private readonly Dictionary<string, EnterpriseId> _enterprises = new(ReferenceEqualityComparer.Instance);
    private readonly Memo _timeMemo = new();
    private readonly Memo _storageMemo = new();
    private FoodStorageClass _storage;
    private DateTimeOffset _observedAt;
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
        _nullable = new bool[payload.Length];
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

    /// <summary>
    /// Decodes every row of <paramref name="batch"/> in order: plainly valid rows become reports in
    /// <paramref name="result"/> (with index <paramref name="firstIndex"/> + row); any other row goes to
    /// <paramref name="slow"/>, which gives the general path's verdict.
    /// </summary>
    public void Run(RecordBatch batch, int firstIndex, DecodeResult result, Action<int> slow)
    {
        _enterpriseMemo.Reset();
        _regionMemo.Reset();
        _kindMemo.Reset();
        _timeMemo.Reset();
        _storageMemo.Reset();
        var reportIds = new Utf8Column((StringArray)batch.Column(_header[0]));
        var enterprises = new Utf8Column((StringArray)batch.Column(_header[1]));
        var regions = new Utf8Column((StringArray)batch.Column(_header[2]));
        var sectors = new Utf8Column((StringArray)batch.Column(_header[3]));
        var kinds = new Utf8Column((StringArray)batch.Column(_header[4]));
        var times = new Utf8Column((StringArray)batch.Column(_header[5]));
        var device = RoleText(batch, Role.DeviceId);
        var storage = RoleText(batch, Role.StorageClass);
        var equipment = RoleText(batch, Role.EquipmentId);
        var type = RoleText(batch, Role.EquipmentType);
        var metric = RoleText(batch, Role.Metric);
        var temperature = RoleNumber(batch, Role.TemperatureC);
        var value = RoleNumber(batch, Role.Value);
        var rolesUsable = RolesUsable(batch);
        for (var row = 0; row < batch.Length; row++)
        {
            if (rolesUsable && TryRow(row, reportIds, enterprises, regions, sectors, kinds, times, device, storage, equipment, type, metric, temperature, value, batch, out var report))
            {
                result.Accepted.Add(report);
                result.AcceptedIndexes.Add(firstIndex + row);
            }
            else
            {
                slow(row);
            }
        }
    }

    private bool TryRow(
        int row, Utf8Column reportIds, Utf8Column enterprises, Utf8Column regions, Utf8Column sectors, Utf8Column kinds, Utf8Column times,
        Utf8Column device, Utf8Column storage, Utf8Column equipment, Utf8Column type, Utf8Column metric, NumberColumn temperature, NumberColumn value,
        RecordBatch batch, out Report report)
    {
        report = default;
        if (reportIds.IsNull(row) || enterprises.IsNull(row) || regions.IsNull(row) || sectors.IsNull(row) || kinds.IsNull(row) || times.IsNull(row))
        {
            return false;
        }

        var kindBytes = kinds.Get(row);
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
        if (!sectors.Get(row).SequenceEqual(kind == ReportKind.FoodColdChain ? "food"u8 : "equipment"u8))
        {
            return false;
        }

        var enterpriseBytes = enterprises.Get(row);
        if (!_enterpriseMemo.Matches(enterpriseBytes))
        {
            var text = _interner.Get(enterpriseBytes);
            if (text is null)
            {
                return false;
            }
            // Interned strings repeat by reference: look them up by reference before the shared validator cache.
            if (!_enterprises.TryGetValue(text, out var id))
            {
                if (!_validator.TryEnterprise(text, out id, out _))
                {
                    return false;
                }
                if (_enterprises.Count < Utf8Interner.MaxEntries)
                {
                    _enterprises[text] = id;
                }
            }
            _enterprise = id;
            _enterpriseMemo.Set(enterpriseBytes);
        }
        var regionBytes = regions.Get(row);
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
        var timeBytes = times.Get(row);
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
        if (_observedAt > _latest)
        {
            return false;
        }

        // Every payload column of the row must be one the kind has, and every field of the kind present.
        var present = 0;
        for (var p = 0; p < _payloadArrays.Length; p++)
        {
            if (_nullable[p] && _payloadArrays[p].IsNull(row))
            {
                continue;
            }
            present |= 1 << (int)_roles[p];
        }

        ReportPayload payload;
        if (kind == ReportKind.FoodColdChain)
        {
            if (present != ColdChainFields)
            {
                return false;
            }
            var deviceId = _interner.Get(device.Get(row));
            var t = temperature.Get(row);
            if (deviceId is not { Length: > 0 and <= 64 } || !(t >= -80 && t <= 60))
            {
                return false;
            }
            var storageBytes = storage.Get(row);
            if (!_storageMemo.Matches(storageBytes))
            {
                if (!PayloadNames.TryParseStorage(_interner.Get(storageBytes), out _storage))
                {
                    _storageMemo.Reset();
                    return false;
                }
                _storageMemo.Set(storageBytes);
            }
            payload = new ColdChainReading(deviceId, _storage, t);
        }
        else
        {
            if (present != TelemetryFields)
            {
                return false;
            }
            var equipmentId = _interner.Get(equipment.Get(row));
            var metricName = _interner.Get(metric.Get(row));
            var v = value.Get(row);
            if (equipmentId is not { Length: > 0 and <= 64 } || metricName is not { Length: > 0 and <= 64 }
                || !PayloadNames.TryParseType(_interner.Get(type.Get(row)), out var equipmentType) || !(v >= -1e9 && v <= 1e9))
            {
                return false;
            }
            payload = new EquipmentTelemetry(equipmentId, equipmentType, metricName, v);
        }

        var idBytes = reportIds.Get(row);
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
        report = new Report(reportId, _enterprise, _region, kind, _observedAt, payload);
        return true;
    }

    private const int ColdChainFields = (1 << (int)Role.DeviceId) | (1 << (int)Role.StorageClass) | (1 << (int)Role.TemperatureC);
    private const int TelemetryFields = (1 << (int)Role.EquipmentId) | (1 << (int)Role.EquipmentType) | (1 << (int)Role.Metric) | (1 << (int)Role.Value);

    // Role columns must have the type the fast path reads; otherwise every row takes the general path.
    private bool RolesUsable(RecordBatch batch)
    {
        for (var p = 0; p < _payload.Length; p++)
        {
            var array = batch.Column(_payload[p]);
            _payloadArrays[p] = array;
            _nullable[p] = array.NullCount > 0;
            var ok = _roles[p] switch
            {
                Role.TemperatureC or Role.Value => array is DoubleArray,
                Role.Other => true,
                _ => array is StringArray,
            };
            if (!ok)
            {
                return false;
            }
        }
        return true;
    }

    private Utf8Column RoleText(RecordBatch batch, Role role)
    {
        var p = System.Array.IndexOf(_roles, role);
        return p >= 0 && batch.Column(_payload[p]) is StringArray s ? new Utf8Column(s) : default;
    }

    private NumberColumn RoleNumber(RecordBatch batch, Role role)
    {
        var p = System.Array.IndexOf(_roles, role);
        return p >= 0 && batch.Column(_payload[p]) is DoubleArray d ? new NumberColumn(d) : default;
    }

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
    }

    /// <summary>A utf8 column read straight from its offset, value and validity buffers (checked before).</summary>
    private readonly ref struct Utf8Column
    {
        private readonly ReadOnlySpan<int> _offsets;
        private readonly ReadOnlySpan<byte> _values;
        private readonly ReadOnlySpan<byte> _validity;
        private readonly int _offset;

        public Utf8Column(StringArray array)
        {
            _offsets = array.ValueOffsets;
            _values = array.ValueBuffer.Span;
            _validity = array.NullCount > 0 ? array.NullBitmapBuffer.Span : default;
            _offset = array.Offset;
        }

        public bool IsNull(int row) => !_validity.IsEmpty && (_validity[(_offset + row) >> 3] & (1 << ((_offset + row) & 7))) == 0;

        public ReadOnlySpan<byte> Get(int row) => _values[_offsets[row].._offsets[row + 1]];
    }

    /// <summary>A float64 column read straight from its value buffer; presence is checked by the caller.</summary>
    private readonly ref struct NumberColumn(DoubleArray array)
    {
        private readonly ReadOnlySpan<double> _values = array.Values;

        public double Get(int row) => _values[row];
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
