using Supervision.Server.Alerts;
using Supervision.Server.Api;
using Supervision.Server.Authentication;
using Supervision.Server.Authorization;
using Supervision.Server.Configuration;

WebApplication app;
try
{
    var builder = WebApplication.CreateBuilder(args);
    var (options, _) = builder.AddSupervisionOptions();
    builder.AddSupervisionIngest(options)
        .AddSupervisionStorage(options)
        .AddSupervisionStreaming(options)
        .AddSupervisionHub()
        .AddSupervisionAccess(options);
    app = builder.Build();
}
catch (ConfigurationException e)
{
    Console.Error.WriteLine("supervision: configuration error: " + e.Message);
    return 2;
}

app.UseExceptionHandler();
app.UseStatusCodePages();
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
await app.RunAsync();
return 0;

/// <summary>The server's entry point; public so integration tests can host it.</summary>
public partial class Program;
