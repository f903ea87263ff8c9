using System.Globalization;
using Supervision.Domain.Identifiers;
using Supervision.Domain.Reports;
using Supervision.Storage.Queries;

namespace Supervision.Server.Analysts;

/// <summary>
/// Reads and validates the query string of one analyst request. Every problem is collected under the name of
/// its parameter (unknown parameters too), so one 400 names them all.
/// </summary>
public sealed class QueryParameters
{
    private readonly IQueryCollection _query;
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);

    public QueryParameters(HttpRequest request) => _query = request.Query;

    public Dictionary<string, string[]> Errors { get; } = new(StringComparer.Ordinal);

    public bool IsValid
    {
        get
        {
            foreach (var key in _query.Keys)
            {
                if (!_known.Contains(key) && !Errors.ContainsKey(key))
                {
                    Errors[key] = [$"is not a parameter of this query; known: {string.Join(", ", _known.Order(StringComparer.Ordinal))}"];
                }
            }
            return Errors.Count == 0;
        }
    }

    public IResult Problem() => Results.ValidationProblem(Errors, title: "Invalid query parameters");

    /// <summary><c>from</c> and <c>to</c> (ISO 8601); default the last <paramref name="defaultSpan"/> before now; at most <paramref name="maxSpan"/> apart.</summary>
    public (DateTimeOffset From, DateTimeOffset To) Period(DateTimeOffset now, TimeSpan defaultSpan, TimeSpan maxSpan)
    {
        var to = Time("to", now);
        var from = Time("from", to - defaultSpan);
        if (!Errors.ContainsKey("from") && !Errors.ContainsKey("to"))
        {
            if (from >= to)
            {
                Errors["from"] = ["must be before 'to'"];
            }
            else if (to - from > maxSpan)
            {
                Errors["from"] = [$"must be at most {maxSpan.TotalDays:0} days before 'to'"];
            }
        }
        return (from, to);
    }

    public DateTimeOffset Time(string name, DateTimeOffset fallback)
    {
        var text = Text(name);
        if (text is null)
        {
            return fallback;
        }
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value))
        {
            return value;
        }
        Errors[name] = [$"'{text}' is not an ISO 8601 date and time"];
        return fallback;
    }

    /// <summary>A jurisdiction prefix (2, 4 or 6 digits); empty for everywhere.</summary>
    public string Region()
    {
        var text = Text("region") ?? "";
        if (RegionCode.ValidateJurisdiction(text) is { } error)
        {
            Errors["region"] = [$"'{text}' {error}"];
            return "";
        }
        return text;
    }

    public string? Enterprise(bool required = false)
    {
        var text = Text("enterprise");
        if (text is null)
        {
            if (required)
            {
                Errors["enterprise"] = ["is required: a Unified Social Credit Code"];
            }
            return null;
        }
        if (EnterpriseId.Validate(text) is { } error)
        {
            Errors["enterprise"] = [$"'{text}' {error}"];
            return null;
        }
        return text;
    }

    public Sector? Sector()
    {
        var text = Text("sector");
        if (text is null)
        {
            return null;
        }
        if (Sectors.TryParse(text, out var sector))
        {
            return sector;
        }
        Errors["sector"] = [$"'{text}' must be one of food, drug, agri, equipment"];
        return null;
    }

    public TimeBucket Bucket()
    {
        var text = Text("bucket") ?? "day";
        TimeBucket? bucket = text switch { "hour" => TimeBucket.Hour, "day" => TimeBucket.Day, "week" => TimeBucket.Week, _ => null };
        if (bucket is null)
        {
            Errors["bucket"] = [$"'{text}' must be hour, day or week"];
        }
        return bucket ?? TimeBucket.Day;
    }

    public int Int(string name, int fallback, int min, int max)
    {
        var text = Text(name);
        if (text is null)
        {
            return fallback;
        }
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }
        Errors[name] = [$"'{text}' must be a whole number from {min} to {max}"];
        return fallback;
    }

    public int Digits()
    {
        var digits = Int("digits", 2, 2, 6);
        if (!Errors.ContainsKey("digits") && digits % 2 != 0)
        {
            Errors["digits"] = [$"'{digits}' must be 2 (province), 4 (city) or 6 (county)"];
        }
        return digits;
    }

    public string? Text(string name)
    {
        _known.Add(name);
        var values = _query[name];
        if (values.Count > 1)
        {
            Errors[name] = ["is given more than once"];
            return null;
        }
        return values.Count == 0 ? null : values[0];
    }
}
