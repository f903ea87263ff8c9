using Supervision.Domain.Alerts;
using Supervision.Domain.Reports;
using Supervision.Scoring.Features;
using Supervision.Scoring.Models;
using Supervision.Streaming.State;

namespace Supervision.Streaming.Pipeline;

/// <summary>Fills an enterprise's risk feature vector as of a time.</summary>
public delegate void FeatureFill(int enterprise, DateTimeOffset at, Span<float> features);

/// <summary>
/// Scores for the alert and grade decisions of one batch, taken together: each decision queues its enterprise's
/// feature vector as it stands at that report (a ticket), and <see cref="Run"/> scores every queued vector with
/// its sector's model in one batch call per sector, with attributions only where an alert needs reasons. Results
/// are read back by ticket. Equal to scoring each decision on its own (the compiled scorer's batch and single
/// row agree; scores are rounded to four places).
/// </summary>
internal sealed class EngineScoring(SectorModels models, EnterpriseTable enterprises, FeatureFill fill)
{
    /// <summary>Version tag of decisions in a sector no model serves.</summary>
    public const string NoModel = "none";

    /// <summary>Most model contributions an alert's explanation lists.</summary>
    public const int TopContributions = 3;

    private const int Width = RiskFeatures.Count;
    private readonly Rows[] _rows = [new(), new(), new(), new(), new(), new(), new(), new(), new(), new()];
    private readonly List<(int Group, int Row)> _tickets = [];
    private readonly string[] _versions = new string[10];

    public SectorModels Models => models;

    /// <summary>Decisions queued since the last <see cref="Clear"/>.</summary>
    public int Count => _tickets.Count;

    /// <summary>Queues the enterprise's features as of <paramref name="at"/>; returns the ticket.</summary>
    public int Queue(int enterprise, DateTimeOffset at, bool reasons)
    {
        var group = ((int)enterprises[enterprise].Sector * 2) + (reasons ? 1 : 0);
        var rows = _rows[group];
        var row = rows.Add();
        fill(enterprise, at, rows.Features.AsSpan(row * Width, Width));
        _tickets.Add((group, row));
        return _tickets.Count - 1;
    }

    /// <summary>Scores everything queued.</summary>
    public void Run()
    {
        if (_tickets.Count == 0)
        {
            return;
        }
        for (var group = 2; group < _rows.Length; group++)
        {
            var rows = _rows[group];
            if (rows.Count == 0)
            {
                continue;
            }
            var scorer = models.For((Sector)(group / 2));
            _versions[group] = scorer?.ModelVersion ?? NoModel;
            rows.Prepare();
            if (scorer is null)
            {
                Array.Clear(rows.Scores, 0, rows.Count);
                Array.Clear(rows.Contributions, 0, rows.Count * Width);
                continue;
            }
            var features = rows.Features.AsSpan(0, rows.Count * Width);
            if (group % 2 == 1)
            {
                scorer.ScoreBatch(features, rows.Scores.AsSpan(0, rows.Count), rows.Contributions.AsSpan(0, rows.Count * Width));
            }
            else
            {
                scorer.ScoreBatch(features, rows.Scores.AsSpan(0, rows.Count));
            }
        }
    }

    /// <summary>The score of a ticket, rounded to four places.</summary>
    public double Score(int ticket)
    {
        var (group, row) = _tickets[ticket];
        return Math.Round(_rows[group].Scores[row], 4);
    }

    /// <summary>The model version that scored a ticket.</summary>
    public string Version(int ticket) => _versions[_tickets[ticket].Group];

    /// <summary>The feature vector a ticket was scored on.</summary>
    public ReadOnlySpan<float> Features(int ticket)
    {
        var (group, row) = _tickets[ticket];
        return _rows[group].Features.AsSpan(row * Width, Width);
    }

    /// <summary>
    /// The rule's evidence followed by the model's top contributing features (largest share of the score first),
    /// for a ticket queued with reasons.
    /// </summary>
    public IReadOnlyList<ExplanationItem> WithReasons(int ticket, IReadOnlyList<ExplanationItem> evidence)
    {
        var (group, row) = _tickets[ticket];
        var rows = _rows[group];
        return WithReasons(evidence, rows.Features.AsSpan(row * Width, Width), rows.Contributions.AsSpan(row * Width, Width));
    }

    /// <summary>
    /// Scores <paramref name="features"/> one row at a time with attributions, for a decision that turned out to
    /// need reasons (a grade that changed): the evidence followed by the top contributions.
    /// </summary>
    public IReadOnlyList<ExplanationItem> ReasonsFor(Sector sector, ReadOnlySpan<float> features, IReadOnlyList<ExplanationItem> evidence)
    {
        if (models.For(sector) is not { } scorer)
        {
            return evidence;
        }
        Span<double> contributions = stackalloc double[Width];
        scorer.Score(features, contributions);
        return WithReasons(evidence, features, contributions);
    }

    /// <summary>Forgets the queued decisions.</summary>
    public void Clear()
    {
        _tickets.Clear();
        foreach (var rows in _rows)
        {
            rows.Count = 0;
        }
    }

    private static ExplanationItem[] WithReasons(IReadOnlyList<ExplanationItem> evidence, ReadOnlySpan<float> features, ReadOnlySpan<double> contributions)
    {
        Span<int> top = stackalloc int[TopContributions];
        var count = TopFeatures(contributions, top);
        var items = new ExplanationItem[evidence.Count + count];
        for (var i = 0; i < evidence.Count; i++)
        {
            items[i] = evidence[i];
        }
        for (var i = 0; i < count; i++)
        {
            var f = top[i];
            items[evidence.Count + i] = new ExplanationItem(RiskFeatures.Names[f], Math.Round(features[f], 4), RuleLimit(f), Math.Round(contributions[f], 4));
        }
        return items;
    }

    // Indices of the features with the largest positive contributions, most first; contributions under 0.0001 do not count.
    private static int TopFeatures(ReadOnlySpan<double> contributions, Span<int> top)
    {
        var count = 0;
        for (var f = 0; f < contributions.Length; f++)
        {
            if (!(contributions[f] >= 1e-4))
            {
                continue;
            }
            var at = count < top.Length ? count++ : top.Length;
            while (at > 0 && contributions[top[at - 1]] < contributions[f])
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

    // Queued feature vectors of one sector, with or without attributions, and their results.
    private sealed class Rows
    {
        public float[] Features = new float[16 * Width];
        public double[] Scores = new double[16];
        public double[] Contributions = new double[16 * Width];
        public int Count;

        public int Add()
        {
            if ((Count + 1) * Width > Features.Length)
            {
                Array.Resize(ref Features, Features.Length * 2);
            }
            return Count++;
        }

        public void Prepare()
        {
            if (Scores.Length < Count)
            {
                Scores = new double[Features.Length / Width];
                Contributions = new double[Features.Length];
            }
        }
    }
}
