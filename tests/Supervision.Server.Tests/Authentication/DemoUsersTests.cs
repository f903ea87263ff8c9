using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Supervision.Server.Tests.Authentication;

/// <summary>With the demo on, the demo users of the README sign in with their names as passwords.</summary>
[Category("Integration")]
public class DemoUsersTests
{
    [Test]
    public async Task DemoOn_EachDemoUser_SignsInWithItsRoleAndScope()
    {
        using var server = new SupervisionServer(new Dictionary<string, string?> { ["Supervision:Demo:Enabled"] = "true", ["Supervision:Demo:Rate"] = "10" });
        var expected = new Dictionary<string, (string Role, string? Jurisdiction, string? Enterprise)>
        {
            ["demo-inspector-3501"] = ("inspector", "3501", null),
            ["demo-analyst-35"] = ("analyst", "35", null),
            ["demo-supervisor"] = ("supervisor", "", null),
            ["demo-admin"] = ("admin", null, null),
            ["demo-enterprise"] = ("enterprise", null, "91350100M000100Y43"),
        };
        foreach (var (name, (role, jurisdiction, enterprise)) in expected)
        {
            var user = (await server.SignInAsync(name, password: name)).GetProperty("user");
            string? Text(string property) => user.GetProperty(property).ValueKind == JsonValueKind.Null ? null : user.GetProperty(property).GetString();
            Assert.That((Text("role"), Text("jurisdiction"), Text("enterprise")), Is.EqualTo((role, jurisdiction, enterprise)), name);
        }
    }

    [Test]
    public async Task DemoOff_DemoUsers_DoNotExist()
    {
        using var server = new SupervisionServer();
        using var client = server.NewClient();
        using var response = await client.PostAsync("/api/v1/auth/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password", ["username"] = "demo-admin", ["password"] = "demo-admin",
        }));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }
}
