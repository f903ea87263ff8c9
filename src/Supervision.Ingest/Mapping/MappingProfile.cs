using System.Globalization;
using System.Text.Json;
using Supervision.Ingest.Decoding;
using Supervision.Ingest.Validation;

namespace Supervision.Ingest.Mapping;

/// <summary>How a profile reads a date or time field: a .NET exact format and, for <c>observedAt</c>, the offset to assume.</summary>
public sealed record DateFormat(string Format, string? Offset);

/// <summary>The JSON form of a mapping profile file.</summary>
public sealed record MappingProfileDocument
{
    public string? Name { get; init; }
    public string? Description { get; init; }

    /// <summary>Their field → our envelope path (<c>reportId</c> … <c>observedAt</c>, <c>payload.&lt;field&gt;</c>).</summary>
    public Dictionary<string, string> Fields { get; init; } = [];

    /// <summary>Our path → the unit their value is in (converted to ours).</summary>
    public Dictionary<string, string> Units { get; init; } = [];

    /// <summary>Our path → their code → our value, e.g. <c>kind</c>: <c>COLD_TEMP</c> → <c>food.coldchain</c>.</summary>
    public Dictionary<string, Dictionary<string, string>> Codes { get; init; } = [];

    /// <summary>Our path → how their dates are written.</summary>
    public Dictionary<string, DateFormat> Dates { get; init; } = [];

    /// <summary>Our path → a value to use when the record has none.</summary>
    public Dictionary<string, string> Constants { get; init; } = [];
}

/// <summary>
/// A regional platform's declared mapping onto our envelope: field renames, unit conversions, code maps, date
/// formats and constants, applied to each decoded record before validation, so every format and every rule sees
/// our envelope. Built only through <see cref="TryLoad"/>, which refuses unknown fields and units.
/// </summary>
public sealed class MappingProfile
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };
    private static readonly string[] Header = RawRecord.HeaderNames;

    private readonly (string From, string To)[] _renames;
    private readonly (string Path, UnitConversion Unit)[] _units;
    private readonly (string Path, Dictionary<string, string> Map)[] _codes;
    private readonly (string Path, DateFormat Format, TimeSpan? Offset)[] _dates;
    private readonly (string Path, string Value)[] _constants;

    private MappingProfile(string name, MappingProfileDocument document, TimeSpan?[] offsets)
    {
        Name = name;
        Description = document.Description ?? "";
        _renames = [.. document.Fields.Select(f => (f.Key, f.Value))];
        _units = [.. document.Units.Select(u => (u.Key, UnitConversion.Find(u.Value)!))];
        _codes = [.. document.Codes.Select(c => (c.Key, c.Value))];
        _dates = [.. document.Dates.Select((d, i) => (d.Key, d.Value, offsets[i]))];
        _constants = [.. document.Constants.Select(c => (c.Key, c.Value))];
    }

    public string Name { get; }

    public string Description { get; }

    /// <summary>Reads and checks a profile file; on failure returns null and every problem, each naming the key.</summary>
    public static MappingProfile? TryLoad(string path, out List<string> problems)
    {
        problems = [];
        MappingProfileDocument? document;
        try
        {
            document = JsonSerializer.Deserialize<MappingProfileDocument>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            problems.Add($"not a valid profile: {e.Message}");
            return null;
        }
        if (document is null)
        {
            problems.Add("the file is empty");
            return null;
        }
        var name = string.IsNullOrWhiteSpace(document.Name) ? Path.GetFileNameWithoutExtension(path) : document.Name;
        foreach (var (from, to) in document.Fields)
        {
            if (!IsTarget(to))
            {
                problems.Add($"fields.{from}: '{to}' is not an envelope field or a payload field of any report kind");
            }
        }
        foreach (var (target, unit) in document.Units)
        {
            if (!IsTarget(target) || !target.StartsWith("payload.", StringComparison.Ordinal))
            {
                problems.Add($"units.{target}: not a payload field of any report kind");
            }
            else if (UnitConversion.Find(unit) is not { } conversion)
            {
                problems.Add($"units.{target}: unit '{unit}' is unknown (known: {string.Join(", ", UnitConversion.All.Select(u => u.Name))})");
            }
            else if (!PayloadFields.QuantityOf(target[8..]).Equals(conversion.Quantity, StringComparison.Ordinal))
            {
                problems.Add($"units.{target}: '{unit}' is a unit of {conversion.Quantity}, but {target} holds {PayloadFields.QuantityOf(target[8..])}");
            }
        }
        foreach (var target in document.Codes.Keys.Concat(document.Dates.Keys).Concat(document.Constants.Keys))
        {
            if (!IsTarget(target))
            {
                problems.Add($"'{target}' is not an envelope field or a payload field of any report kind");
            }
        }
        var offsets = new TimeSpan?[document.Dates.Count];
        var i = 0;
        foreach (var (target, format) in document.Dates)
        {
            if (string.IsNullOrWhiteSpace(format.Format))
            {
                problems.Add($"dates.{target}: format is required");
            }
            if (format.Offset is not null)
            {
                if (TimeSpan.TryParseExact(format.Offset.TrimStart('+'), @"hh\:mm", CultureInfo.InvariantCulture, out var offset))
                {
                    offsets[i] = format.Offset.StartsWith('-') ? -offset : offset;
                }
                else if (format.Offset.StartsWith('-') && TimeSpan.TryParseExact(format.Offset[1..], @"hh\:mm", CultureInfo.InvariantCulture, out offset))
                {
                    offsets[i] = -offset;
                }
                else
                {
                    problems.Add($"dates.{target}: offset '{format.Offset}' is not ±hh:mm");
                }
            }
            else if (target == "observedAt" && !format.Format.Contains('z', StringComparison.Ordinal))
            {
                problems.Add("dates.observedAt: a format without an offset (z) needs 'offset', e.g. +08:00");
            }
            i++;
        }
        return problems.Count == 0 ? new MappingProfile(name, document, offsets) : null;
    }

    private static bool IsTarget(string path) =>
        Array.IndexOf(Header, path) >= 0
        || (path.StartsWith("payload.", StringComparison.Ordinal) && PayloadFields.IsKnown(path[8..]));

    /// <summary>Rewrites <paramref name="raw"/> in place into our envelope; problems go to its decode errors.</summary>
    public void Apply(RawRecord raw)
    {
        foreach (var (from, to) in _renames)
        {
            if (Take(raw, from) is { } value)
            {
                Put(raw, to, value);
            }
        }
        foreach (var (path, value) in _constants)
        {
            if (Get(raw, path) is null)
            {
                Put(raw, path, new RawField(Leaf(path), RawValueKind.Text, value, 0));
            }
        }
        foreach (var (path, map) in _codes)
        {
            if (Get(raw, path) is { Text: { } text } field && map.TryGetValue(text, out var ours))
            {
                Put(raw, path, field with { Kind = field.Kind == RawValueKind.String ? RawValueKind.String : RawValueKind.Text, Text = ours });
            }
        }
        foreach (var (path, format, offset) in _dates)
        {
            if (Get(raw, path) is not { Text: { } text } field)
            {
                continue;
            }
            if (path == "observedAt" || offset is not null)
            {
                if (offset is { } o && DateTime.TryParseExact(text, format.Format, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
                {
                    Put(raw, path, field with { Text = new DateTimeOffset(local, o).ToString("yyyy-MM-ddTHH:mm:ssK", CultureInfo.InvariantCulture) });
                }
                else if (offset is null && DateTimeOffset.TryParseExact(text, format.Format, CultureInfo.InvariantCulture, DateTimeStyles.None, out var withOffset))
                {
                    Put(raw, path, field with { Text = withOffset.ToString("yyyy-MM-ddTHH:mm:ssK", CultureInfo.InvariantCulture) });
                }
                else
                {
                    raw.DecodeErrors.Add(new FieldError(path, $"'{text}' does not match the format '{format.Format}' of profile {Name}"));
                    Remove(raw, path);
                }
            }
            else if (DateOnly.TryParseExact(text, format.Format, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                Put(raw, path, field with { Text = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) });
            }
            else
            {
                raw.DecodeErrors.Add(new FieldError(path, $"'{text}' does not match the format '{format.Format}' of profile {Name}"));
                Remove(raw, path);
            }
        }
        foreach (var (path, unit) in _units)
        {
            if (Get(raw, path) is not { } field)
            {
                continue;
            }
            double value;
            if (field.Kind == RawValueKind.Number)
            {
                value = field.Number;
            }
            else if (field.Kind == RawValueKind.Text && double.TryParse(field.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
            {
            }
            else
            {
                continue; // validation reports the wrong type
            }
            Put(raw, path, new RawField(field.Name, RawValueKind.Number, null, unit.ToOurs(value)));
        }
    }

    private static string Leaf(string path) => path.StartsWith("payload.", StringComparison.Ordinal) ? path[8..] : path;

    // Source names: an envelope field, "payload.x", or a top-level field we do not know.
    private static RawField? Take(RawRecord raw, string from)
    {
        if (Get(raw, from) is { } value)
        {
            Remove(raw, from);
            return value;
        }
        return null;
    }

    private static RawField? Get(RawRecord raw, string path)
    {
        var header = Array.IndexOf(Header, path);
        if (header >= 0)
        {
            var text = raw.GetHeader(header);
            return text is null ? null : new RawField(path, RawValueKind.String, text, 0);
        }
        var (list, name) = path.StartsWith("payload.", StringComparison.Ordinal) ? (raw.Payload, path[8..]) : (raw.Extra, path);
        var i = list.FindIndex(f => f.Name == name);
        return i < 0 ? null : list[i];
    }

    private static void Remove(RawRecord raw, string path)
    {
        var header = Array.IndexOf(Header, path);
        if (header >= 0)
        {
            raw.SetHeader(header, null);
            return;
        }
        var (list, name) = path.StartsWith("payload.", StringComparison.Ordinal) ? (raw.Payload, path[8..]) : (raw.Extra, path);
        list.RemoveAll(f => f.Name == name);
    }

    private static void Put(RawRecord raw, string path, RawField value)
    {
        var header = Array.IndexOf(Header, path);
        if (header >= 0)
        {
            var text = value.Text ?? (value.Kind == RawValueKind.Number ? value.Number.ToString("R", CultureInfo.InvariantCulture) : null);
            raw.SetHeader(header, text);
            return;
        }
        var name = path[8..];
        raw.HasPayload = true;
        raw.Payload.RemoveAll(f => f.Name == name);
        raw.Payload.Add(value with { Name = name });
    }
}

/// <summary>A unit a profile may declare, with the quantity it measures and its conversion to our unit.</summary>
public sealed record UnitConversion(string Name, string Quantity, Func<double, double> ToOurs)
{
    public static IReadOnlyList<UnitConversion> All { get; } =
    [
        new("degC", "temperature", v => v),
        new("degF", "temperature", v => (v - 32) * 5 / 9),
        new("K", "temperature", v => v - 273.15),
        new("mg/kg", "mass fraction", v => v),
        new("g/kg", "mass fraction", v => v * 1000),
        new("ug/kg", "mass fraction", v => v / 1000),
        new("MPa", "pressure", v => v),
        new("kPa", "pressure", v => v / 1000),
        new("bar", "pressure", v => v / 10),
        new("kg", "mass", v => v),
        new("g", "mass", v => v / 1000),
        new("t", "mass", v => v * 1000),
    ];

    public static UnitConversion? Find(string name) => All.FirstOrDefault(u => u.Name == name);
}

/// <summary>Payload field names of every report kind, and the quantity a numeric field holds (for unit checks).</summary>
public static class PayloadFields
{
    private static readonly Dictionary<string, string> Quantities = new(StringComparer.Ordinal)
    {
        ["deviceId"] = "text", ["storageClass"] = "text", ["temperatureC"] = "temperature",
        ["equipmentId"] = "text", ["equipmentType"] = "text", ["metric"] = "text", ["value"] = "pressure",
        ["licenceNo"] = "text", ["product"] = "text", ["batchNo"] = "text", ["productionDate"] = "date", ["shelfLifeDays"] = "count", ["quantity"] = "count",
        ["testItem"] = "text", ["limit"] = "mass fraction", ["unit"] = "text",
        ["warehouseId"] = "text", ["approvalNo"] = "text", ["expiry"] = "date", ["movement"] = "text",
        ["reaction"] = "text", ["serious"] = "flag",
        ["commodity"] = "text", ["pesticide"] = "text", ["valueMgKg"] = "mass fraction",
        ["traceCode"] = "text", ["originRegion"] = "text", ["quantityKg"] = "mass", ["fromEnterpriseId"] = "text",
        ["inspectedAt"] = "date", ["result"] = "text", ["nextDueDate"] = "date",
    };

    public static bool IsKnown(string name) => Quantities.ContainsKey(name);

    public static string QuantityOf(string name) => Quantities.GetValueOrDefault(name, "nothing");
}
