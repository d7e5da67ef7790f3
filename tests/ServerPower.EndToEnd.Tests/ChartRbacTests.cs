using System.Net;
using k8s;
using k8s.Autorest;
using ServerPower.EndToEnd.Tests.Infrastructure;

namespace ServerPower.EndToEnd.Tests;

/// <summary>The operator's identity in the end-to-end suite holds the chart's rules and nothing more.</summary>
[Collection("emulator")]
public sealed class ChartRbacTests(EmulatorSystem system) : IClassFixture<EmulatorSystem>
{
    [Fact]
    public async Task The_operator_identity_may_get_but_not_list_Secrets()
    {
        var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(system.Cluster.OperatorKubeconfig));
        var denied = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ListNamespacedSecretAsync("default", cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal(HttpStatusCode.Forbidden, denied.Response.StatusCode);
        var missing = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ReadNamespacedSecretAsync("no-such-secret", "default", cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal(HttpStatusCode.NotFound, missing.Response.StatusCode);
    }
}
