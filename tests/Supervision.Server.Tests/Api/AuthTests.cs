using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Supervision.Ingest.Security;

namespace Supervision.Server.Tests.Api;

[Category("Integration")]
public class AuthTests
{
    private const string Fuzhou = "91350100M000100Y43";
    private const string Beijing = "91110000600037341L";
    private const string FuzhouKey = "sk_test_fuzhou";
    private const string SigningKey = "sk_test_beijing_signed";
    private const string PlatformKey = "sk_test_platform_35";
    private SupervisionServer _server = null!;
    private HttpClient _client = null!;
    private ECDsa _signer = null!;
    private string _keysFile = null!;

    [OneTimeSetUp]
    public void StartServer()
    {
        _signer = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        _keysFile = Path.Combine(Path.GetTempPath(), "supervision-keys-" + Guid.NewGuid().ToString("N") + ".json");
        ApiKeyStore.Append(_keysFile, new ApiKeyEntry { KeyHash = ApiKeyStore.Hash(FuzhouKey), EnterpriseId = Fuzhou });
        ApiKeyStore.Append(_keysFile, new ApiKeyEntry { KeyHash = ApiKeyStore.Hash(SigningKey), EnterpriseId = Beijing, PublicKey = _signer.ExportSubjectPublicKeyInfoPem() });
        ApiKeyStore.Append(_keysFile, new ApiKeyEntry { KeyHash = ApiKeyStore.Hash(PlatformKey), Jurisdiction = "35" });
        _server = new SupervisionServer(new Dictionary<string, string?>
        {
            ["Supervision:Auth:Enabled"] = "true",
            ["Supervision:Auth:KeysFile"] = _keysFile,
        });
        _client = _server.NewClient();
    }

    [OneTimeTearDown]
    public void StopServer()
    {
        _client.Dispose();
        _server.Dispose();
        _signer.Dispose();
        File.Delete(_keysFile);
    }

    private static string Body(params (string Enterprise, string Region, string Id)[] records) =>
        string.Concat(records.Select(r => SupervisionServer.ViolatingSeries(r.Enterprise, r.Region, DateTimeOffset.UtcNow.AddHours(-1), 1, "A-" + r.Id)
            .Replace("\"reportId\":\"A-" + r.Id + "-0\"", "\"reportId\":\"" + r.Id + "\"", StringComparison.Ordinal)));

    private async Task<HttpResponseMessage> PostAsync(string body, Action<HttpRequestMessage> authorize)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/reports") { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
        authorize(request);
        return await _client.SendAsync(request);
    }

    private static Action<HttpRequestMessage> Bearer(string key) => r => r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);

    [Test]
    public async Task PostReports_NoKey_Is401()
    {
        using var response = await PostAsync(Body((Fuzhou, "350102", "n-1")), _ => { });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(response.Headers.WwwAuthenticate.ToString(), Is.EqualTo("Bearer"));
    }

    [Test]
    public async Task PostReports_UnknownKey_Is401()
    {
        using var response = await PostAsync(Body((Fuzhou, "350102", "u-1")), Bearer("sk_nobody"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(problem.GetProperty("detail").GetString(), Is.EqualTo("the API key is not known"));
    }

    [Test]
    public async Task PostReports_KeyForOneEnterprise_RejectsOtherEnterprisesRecords()
    {
        using var response = await PostAsync(Body((Fuzhou, "350102", "k-1"), (Beijing, "110105", "k-2")), r => r.Headers.Add("X-Api-Key", FuzhouKey));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        var ack = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(ack.GetProperty("accepted").GetInt32(), Is.EqualTo(1));
        var rejected = ack.GetProperty("rejected")[0];
        Assert.That(rejected.GetProperty("index").GetInt32(), Is.EqualTo(1));
        Assert.That(rejected.GetProperty("errors")[0].GetProperty("field").GetString(), Is.EqualTo("enterpriseId"));
        Assert.That(rejected.GetProperty("errors")[0].GetProperty("message").GetString(), Is.EqualTo($"is not covered by this API key (enterprise {Fuzhou})"));
    }

    [Test]
    public async Task PostReports_AllForeign_Is403()
    {
        using var response = await PostAsync(Body((Beijing, "110105", "f-1"), (Beijing, "110105", "f-2")), Bearer(FuzhouKey));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task PostReports_PlatformKey_CoversItsJurisdictionOnly()
    {
        using var response = await PostAsync(Body((Fuzhou, "350102", "p-1"), (Beijing, "110105", "p-2")), Bearer(PlatformKey));
        var ack = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(ack.GetProperty("accepted").GetInt32(), Is.EqualTo(1));
        Assert.That(ack.GetProperty("rejected")[0].GetProperty("errors")[0].GetProperty("field").GetString(), Is.EqualTo("region"));
    }

    [Test]
    public async Task PostReports_SigningEnterpriseWithoutSignature_Is401WithReason()
    {
        using var response = await PostAsync(Body((Beijing, "110105", "s-1")), Bearer(SigningKey));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(problem.GetProperty("detail").GetString(), Does.StartWith("this enterprise registered a signing key: send X-Signature"));
    }

    [Test]
    public async Task PostReports_SignatureOverOtherBody_Is401()
    {
        var signature = Convert.ToBase64String(_signer.SignData(Encoding.UTF8.GetBytes("something else"), HashAlgorithmName.SHA256));
        using var response = await PostAsync(Body((Beijing, "110105", "s-2")), r =>
        {
            Bearer(SigningKey)(r);
            r.Headers.Add("X-Signature", signature);
        });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(problem.GetProperty("detail").GetString(), Is.EqualTo("X-Signature does not verify over the body with the registered key"));
    }

    [TestCase(DSASignatureFormat.IeeeP1363FixedFieldConcatenation)]
    [TestCase(DSASignatureFormat.Rfc3279DerSequence)]
    public async Task PostReports_ValidSignature_IsAccepted(DSASignatureFormat format)
    {
        var body = Body((Beijing, "110105", "s-ok-" + format));
        var signature = Convert.ToBase64String(_signer.SignData(Encoding.UTF8.GetBytes(body), HashAlgorithmName.SHA256, format));
        using var response = await PostAsync(body, r =>
        {
            Bearer(SigningKey)(r);
            r.Headers.Add("X-Signature", signature);
        });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await response.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task KeysFile_KeyAddedWhileRunning_WorksWithoutRestart()
    {
        const string late = "sk_test_added_later";
        ApiKeyStore.Append(_keysFile, new ApiKeyEntry { KeyHash = ApiKeyStore.Hash(late), EnterpriseId = Fuzhou });
        File.SetLastWriteTimeUtc(_keysFile, DateTime.UtcNow.AddSeconds(5));
        await SupervisionServer.EventuallyAsync(async () =>
        {
            using var response = await PostAsync(Body((Fuzhou, "350102", "late-" + Guid.NewGuid().ToString("N"))), Bearer(late));
            return response.StatusCode == HttpStatusCode.Accepted ? "ok" : null;
        }, TimeSpan.FromSeconds(10), "the new key to be picked up");
    }
}
