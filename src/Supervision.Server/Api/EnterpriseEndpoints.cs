using Supervision.Domain.Alerts;
using Supervision.Domain.Identifiers;
using Supervision.Server.Auditing;
using Supervision.Server.Authorization;
using Supervision.Server.Grades;
using Supervision.Storage.History;

namespace Supervision.Server.Api;

/// <summary><c>GET /api/v1/enterprises/{id}/risk</c>: an enterprise's credit grade, score, reasons and grade history.</summary>
public static class EnterpriseEndpoints
{
    private const int HistoryLimit = 100;

    public static IEndpointRouteBuilder MapEnterpriseEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/enterprises/{id}/risk", GetRiskAsync)
            .RequireAuthorization(Policies.ReadEnterprises)
            .RequireObjectInScope<EnterpriseLocator>("id")
            .AuditAgencyReads();
        return app;
    }

    private static async Task<IResult> GetRiskAsync(string id, GradeRecorder grades, IHistoryStore store, CancellationToken cancellation)
    {
        if (!EnterpriseId.TryParse(id, out var enterprise, out var error))
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["id"] = [$"'{id}' {error}"] }, title: "Invalid enterprise id");
        }
        var history = await store.QueryGradeChangesAsync(enterprise.Value, HistoryLimit, cancellation);
        // The in-memory grade may be newer than the store (writes are batched); the store survives restarts.
        var current = grades.Latest(enterprise.Value) is { } latest && (history.Count == 0 || latest.At >= history[0].At) ? latest : history.Count > 0 ? history[0] : null;
        if (current is null)
        {
            return EnterpriseLocator.UnknownEnterprise(enterprise.Value);
        }
        return Results.Ok(new EnterpriseRisk(
            current.EnterpriseId,
            current.Region,
            current.Sector,
            current.To,
            current.Score,
            current.ModelVersion,
            current.At,
            current.Reasons,
            history));
    }

    /// <summary>The response body.</summary>
    /// <param name="EnterpriseId">USCC.</param>
    /// <param name="Region">Division code.</param>
    /// <param name="Sector">Sector.</param>
    /// <param name="Grade">Current credit grade.</param>
    /// <param name="Score">The risk score it was derived from.</param>
    /// <param name="ModelVersion">The model that scored it.</param>
    /// <param name="GradedAt">Event time of the current grade.</param>
    /// <param name="Reasons">Why, the deciding threshold first.</param>
    /// <param name="History">Grade changes, newest first.</param>
    public sealed record EnterpriseRisk(
        string EnterpriseId,
        string Region,
        Domain.Reports.Sector Sector,
        CreditGrade Grade,
        double Score,
        string ModelVersion,
        DateTimeOffset GradedAt,
        IReadOnlyList<ExplanationItem> Reasons,
        IReadOnlyList<GradeChange> History);
}
