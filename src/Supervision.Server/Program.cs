using Supervision.Server.Alerts;
using Supervision.Server.Api;
using Supervision.Server.Authentication;
using Supervision.Server.Authorization;
using Supervision.Server.Configuration;
using Supervision.Server.Edge;
using Supervision.Server.Health;
using Supervision.Server.OpenApi;
using Supervision.Server.Telemetry;

WebApplication app;
try
{
    var builder = WebApplication.CreateBuilder(args);
    var (options, _) = builder.AddSupervisionOptions();
    builder.AddSupervisionTelemetry(options)
        .AddSupervisionIngest(options)
        .AddSupervisionStorage(options)
        .AddSupervisionStreaming(options)
        .AddSupervisionHub()
        .AddSupervisionAccess(options)
        .AddSupervisionEdge()
        .AddSupervisionHealth()
        .AddSupervisionOpenApi();
    app = builder.Build();
}
catch (ConfigurationException e)
{
    Console.Error.WriteLine("supervision: configuration error: " + e.Message);
    return 2;
}

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseSupervisionEdge();
// Static files (the dashboard and its sign-in page) are public, so they are served before authentication runs.
app.UseDefaultFiles();
app.UseStaticFiles();
app.UseAuthentication();
app.UseAuthorization();
app.MapAuthEndpoints();
app.MapReportEndpoints();
app.MapQueryEndpoints();
app.MapAdminEndpoints();
app.MapEnterpriseEndpoints();
app.MapRiskEndpoints();
app.MapHub<AlertsHub>("/hubs/alerts", o => o.CloseOnAuthenticationExpiration = true).RequireAuthorization(Policies.ReadAlerts);
app.MapSupervisionHealth();
app.MapSupervisionMetrics();
app.MapSupervisionDocs();
await app.RunAsync();
return 0;

/// <summary>The server's entry point; public so integration tests can host it.</summary>
public partial class Program;
