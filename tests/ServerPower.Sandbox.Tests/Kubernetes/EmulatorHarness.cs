using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using ServerPower.Sandbox.Kubernetes;
using ServerPower.Sandbox.Kubernetes.Api;

namespace ServerPower.Sandbox.Tests.Kubernetes;

/// <summary>One emulator per test, with an admin HttpClient, a KubernetesClient, kubectl and a temp dir.</summary>
public sealed class EmulatorHarness : IAsyncDisposable
{
    private EmulatorHarness(KubeApiEmulator emulator, string dir)
    {
        Emulator = emulator;
        Dir = dir;
        Kubeconfig = emulator.WriteKubeconfig(Path.Combine(dir, "kubeconfig"));
        Http = emulator.CreateHttpClient();
        Kubectl = new Kubectl(Kubeconfig, Path.Combine(dir, "cache"));
    }

    public KubeApiEmulator Emulator { get; }
    public string Dir { get; }
    public string Kubeconfig { get; }
    public HttpClient Http { get; }
    public Kubectl Kubectl { get; }

    public static async Task<EmulatorHarness> StartAsync(Action<KubeApiEmulatorOptions>? configure = null)
    {
        var options = new KubeApiEmulatorOptions();
        configure?.Invoke(options);
        var emulator = await KubeApiEmulator.StartAsync(options, TestContext.Current.CancellationToken);
        var dir = Path.Combine(Path.GetTempPath(), "sandbox-tests", Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(dir);
        return new EmulatorHarness(emulator, dir);
    }

    public k8s.Kubernetes Client(string? kubeconfig = null)
    {
        var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig ?? Kubeconfig);
        return new k8s.Kubernetes(config);
    }

    public async Task InstallTestCrdAsync()
    {
        var crd = YamlJson.ParseDocuments(TestCrd.Yaml)[0];
        var response = await SendAsync(HttpMethod.Post, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd);
        Assert.Equal(201, (int)response.Status);
    }

    public sealed record Reply(System.Net.HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Raw);

    public async Task<Reply> SendAsync(HttpMethod method, string path, JsonNode? body = null, string contentType = "application/json", string? accept = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }
        var response = await Http.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return new Reply(response.StatusCode, text.Length > 0 ? JsonNode.Parse(text) : null, response);
    }

    public static JsonObject Widget(string name, string serverId = "srv-1", string ns = "default") =>
        YamlJson.ParseDocuments(TestCrd.Widget(name, serverId, ns: ns))[0];

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Emulator.DisposeAsync();
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}
