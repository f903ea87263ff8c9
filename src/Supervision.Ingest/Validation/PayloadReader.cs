using Supervision.Ingest.Decoding;

namespace Supervision.Ingest.Validation;

/// <summary>
/// Reads typed values out of a record's raw payload fields and records a <see cref="FieldError"/> for every
/// field that is missing, of the wrong type, out of range or not part of the kind's schema.
/// </summary>
public ref struct PayloadReader
{
    private readonly List<RawField> _fields;
    private readonly List<FieldError> _errors;
    private readonly string _kindName;
    private ulong _used;

    /// <summary>Reads from <paramref name="fields"/>, adding errors to <paramref name="errors"/>.</summary>
    public PayloadReader(List<RawField> fields, List<FieldError> errors, string kindName)
    {
        if (fields.Count > 64)
        {
            throw new ArgumentException("at most 64 payload fields", nameof(fields));
        }
        _fields = fields;
        _errors = errors;
        _kindName = kindName;
        _used = 0;
    }

    /// <summary>A required string of 1 to <paramref name="maxLength"/> characters.</summary>
    public string RequiredString(string name, int maxLength)
    {
        if (!TryFind(name, out var field))
        {
            return string.Empty;
        }
        if (field.Kind is not (RawValueKind.String or RawValueKind.Text) || field.Text is null)
        {
            Error(name, "must be a string");
            return string.Empty;
        }
        if (field.Text.Length == 0 || field.Text.Length > maxLength)
        {
            Error(name, $"must be 1 to {maxLength} characters, got {field.Text.Length}");
            return string.Empty;
        }
        return field.Text;
    }

    /// <summary>A required number in [<paramref name="min"/>, <paramref name="max"/>] (<paramref name="unit"/> for messages).</summary>
    public double RequiredNumber(string name, double min, double max, string unit)
    {
        if (!TryFind(name, out var field))
        {
            return double.NaN;
        }
        double value;
        if (field.Kind == RawValueKind.Number)
        {
            value = field.Number;
        }
        else if (field.Kind == RawValueKind.Text
            && double.TryParse(field.Text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out value))
        {
            // Text formats carry numbers as text; a JSON string is never taken for a number.
        }
        else
        {
            Error(name, "must be a number");
            return double.NaN;
        }
        if (!double.IsFinite(value))
        {
            Error(name, "must be a finite number");
            return double.NaN;
        }
        if (value < min || value > max)
        {
            Error(name, $"{value.ToString(System.Globalization.CultureInfo.InvariantCulture)} {unit} is outside the plausible range {min.ToString(System.Globalization.CultureInfo.InvariantCulture)} to {max.ToString(System.Globalization.CultureInfo.InvariantCulture)} {unit}");
            return double.NaN;
        }
        return value;
    }

    /// <summary>A required enumeration value parsed by <paramref name="parse"/>; <paramref name="allowed"/> names the choices.</summary>
    public T RequiredEnum<T>(string name, TryParseSpan<T> parse, string allowed)
        where T : struct, Enum
    {
        var text = RequiredString(name, 64);
        if (text.Length == 0)
        {
            return default;
        }
        if (!parse(text, out var value))
        {
            Error(name, $"'{text}' is not one of {allowed}");
            return default;
        }
        return value;
    }

    /// <summary>A required string that <paramref name="validate"/> accepts (it returns the reason otherwise).</summary>
    public string RequiredCode(string name, int maxLength, Func<string, string?> validate)
    {
        var text = RequiredString(name, maxLength);
        if (text.Length == 0)
        {
            return text;
        }
        if (validate(text) is { } problem)
        {
            Error(name, $"'{text}' {problem}");
            return string.Empty;
        }
        return text;
    }

    /// <summary>An optional string that <paramref name="validate"/> accepts; empty when the field is absent or null.</summary>
    public string OptionalCode(string name, int maxLength, Func<string, string?> validate)
    {
        for (var i = 0; i < _fields.Count; i++)
        {
            if (_fields[i].Name == name)
            {
                if (_fields[i].Kind == RawValueKind.Null)
                {
                    _used |= 1UL << i;
                    return string.Empty;
                }
                return RequiredCode(name, maxLength, validate);
            }
        }
        return string.Empty;
    }

    /// <summary>A required whole number in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public int RequiredInt(string name, int min, int max, string unit)
    {
        var value = RequiredNumber(name, min, max, unit);
        if (double.IsNaN(value))
        {
            return 0;
        }
        if (value != Math.Floor(value))
        {
            Error(name, $"must be a whole number, got {value.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
            return 0;
        }
        return (int)value;
    }

    /// <summary>A required boolean: JSON true/false, or the text <c>true</c>/<c>false</c> from text formats.</summary>
    public bool RequiredBool(string name)
    {
        if (!TryFind(name, out var field))
        {
            return false;
        }
        if (field.Kind == RawValueKind.Boolean)
        {
            return field.Number != 0;
        }
        if (field.Kind == RawValueKind.Text && field.Text is "true" or "false")
        {
            return field.Text == "true";
        }
        Error(name, "must be true or false");
        return false;
    }

    /// <summary>A required calendar date, <c>yyyy-MM-dd</c>.</summary>
    public DateOnly RequiredDate(string name)
    {
        var text = RequiredString(name, 10);
        if (text.Length == 0)
        {
            return default;
        }
        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var date))
        {
            Error(name, $"'{text}' is not a date yyyy-MM-dd");
            return default;
        }
        return date;
    }

    /// <summary>Adds an error about a field whose value is well formed but not acceptable together with others.</summary>
    public readonly void Reject(string name, string message) => Error(name, message);

    /// <summary>Reports every payload field no reader asked for; call last.</summary>
    public readonly void RejectUnknown()
    {
        for (var i = 0; i < _fields.Count; i++)
        {
            if ((_used & (1UL << i)) == 0)
            {
                _errors.Add(new FieldError("payload." + _fields[i].Name, $"is not a field of {_kindName}"));
            }
        }
    }

    private bool TryFind(string name, out RawField field)
    {
        for (var i = 0; i < _fields.Count; i++)
        {
            if (_fields[i].Name == name)
            {
                _used |= 1UL << i;
                field = _fields[i];
                if (field.Kind == RawValueKind.Null)
                {
                    Error(name, "is required");
                    return false;
                }
                return true;
            }
        }
        field = default;
        Error(name, "is required");
        return false;
    }

    private readonly void Error(string name, string message) => _errors.Add(new FieldError("payload." + name, message));
}

/// <summary>A parser from text to <typeparamref name="T"/>, as the domain's <c>TryParse</c> methods are.</summary>
public delegate bool TryParseSpan<T>(ReadOnlySpan<char> text, out T value);
