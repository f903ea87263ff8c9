using Supervision.Domain.Alerts;

namespace Supervision.Streaming.Rules;

/// <summary>
/// Thresholds of the credit grade (信用监管): the model's score sets a grade, and recent alerts can only make it
/// worse. A grade is a public sanction, so every threshold is a named setting and each change lists the
/// threshold that decided it.
/// </summary>
public sealed class GradingOptions
{
    /// <summary>Score at or above which an enterprise is at least B.</summary>
    public double ScoreB { get; set; } = 0.2;

    /// <summary>Score at or above which an enterprise is at least C.</summary>
    public double ScoreC { get; set; } = 0.4;

    /// <summary>Score at or above which an enterprise is D.</summary>
    public double ScoreD { get; set; } = 0.6;

    /// <summary>How far back alerts count.</summary>
    public int HistoryDays { get; set; } = 7;

    /// <summary>Alerts opened in <see cref="HistoryDays"/> that make the grade at least C (one makes it at least B).</summary>
    public int AlertsForC { get; set; } = 3;

    /// <summary>Critical alerts opened in <see cref="HistoryDays"/> that make the grade D (one makes it at least C).</summary>
    public int CriticalAlertsForD { get; set; } = 3;

    /// <summary>Checks the values; returns the first problem, naming the key, or null.</summary>
    public string? Validate()
    {
        if (!(ScoreB > 0 && ScoreB < ScoreC && ScoreC < ScoreD && ScoreD <= 1))
        {
            return "Rules:Grading:ScoreB, ScoreC and ScoreD must rise strictly within (0, 1]";
        }
        if (HistoryDays is < 1 or > 90)
        {
            return "Rules:Grading:HistoryDays must be from 1 to 90";
        }
        return AlertsForC < 1 || CriticalAlertsForD < 1 ? "Rules:Grading:AlertsForC and CriticalAlertsForD must be at least 1" : null;
    }

    /// <summary>
    /// The grade for a score and the alerts of the last <see cref="HistoryDays"/>, and the reason that decided it
    /// (feature, value, the threshold it reached).
    /// </summary>
    public (CreditGrade Grade, ExplanationItem Decisive) Decide(double score, int alerts, int criticalAlerts)
    {
        var days = HistoryDays.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var (grade, reason) = score >= ScoreD ? (CreditGrade.D, new ExplanationItem("riskScore", score, ScoreD, null))
            : score >= ScoreC ? (CreditGrade.C, new ExplanationItem("riskScore", score, ScoreC, null))
            : score >= ScoreB ? (CreditGrade.B, new ExplanationItem("riskScore", score, ScoreB, null))
            : (CreditGrade.A, new ExplanationItem("riskScore", score, ScoreB, null));
        if (criticalAlerts >= CriticalAlertsForD && grade < CreditGrade.D)
        {
            return (CreditGrade.D, new ExplanationItem($"criticalAlerts{days}d", criticalAlerts, CriticalAlertsForD, null));
        }
        if (criticalAlerts >= 1 && grade < CreditGrade.C)
        {
            return (CreditGrade.C, new ExplanationItem($"criticalAlerts{days}d", criticalAlerts, 1, null));
        }
        if (alerts >= AlertsForC && grade < CreditGrade.C)
        {
            return (CreditGrade.C, new ExplanationItem($"alerts{days}d", alerts, AlertsForC, null));
        }
        if (alerts >= 1 && grade < CreditGrade.B)
        {
            return (CreditGrade.B, new ExplanationItem($"alerts{days}d", alerts, 1, null));
        }
        return (grade, reason);
    }
}
