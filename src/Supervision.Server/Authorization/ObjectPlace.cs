using Supervision.Domain.Reports;

namespace Supervision.Server.Authorization;

/// <summary>Where an object (an alert, an enterprise, an inspection...) belongs, as far as scoping needs to know.</summary>
/// <param name="EnterpriseId">The enterprise it concerns.</param>
/// <param name="Region">Its division code.</param>
/// <param name="Sector">Its sector, when it has one.</param>
public sealed record ObjectPlace(string EnterpriseId, string Region, Sector? Sector);
