using Supervision.Domain.Identifiers;
using Supervision.Server.Authorization;
using Supervision.Storage.History;

namespace Supervision.Server.Grades;

/// <summary>Where an enterprise belongs: from its latest grade in memory, else from the stored grade history.</summary>
public sealed class EnterpriseLocator(GradeRecorder grades, IHistoryStore store) : IObjectLocator
{
    /// <inheritdoc/>
    public bool IsWellFormed(string id) => EnterpriseId.Validate(id) is null;

    /// <inheritdoc/>
    public async ValueTask<ObjectPlace?> LocateAsync(string id, CancellationToken cancellation)
    {
        if (grades.Latest(id) is { } latest)
        {
            return new ObjectPlace(latest.EnterpriseId, latest.Region, latest.Sector);
        }
        var stored = await store.QueryGradeChangesAsync(id, 1, cancellation);
        return stored.Count == 0 ? null : new ObjectPlace(stored[0].EnterpriseId, stored[0].Region, stored[0].Sector);
    }

    /// <inheritdoc/>
    public IResult NotFound(string id) => UnknownEnterprise(id);

    /// <summary>The answer for an enterprise never seen (or not the caller's to see).</summary>
    public static IResult UnknownEnterprise(string id) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown enterprise", detail: $"no reports or grades for enterprise {id}");
}
