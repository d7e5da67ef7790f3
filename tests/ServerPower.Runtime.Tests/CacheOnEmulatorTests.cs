using k8s;
using Microsoft.Extensions.DependencyInjection;
using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Hosting;
using ServerPower.Operator.Kubernetes;
using ServerPower.Runtime;
using ServerPower.Sandbox.Kubernetes;

namespace ServerPower.Runtime.Tests;

/// <summary>The informer cache behind the reconcilers' reads, against the Kubernetes API emulator on 127.0.0.1.</summary>
public sealed class CacheOnEmulatorTests
{
    private CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_server_whose_label_moves_it_out_of_the_selector_is_no_longer_readable_and_the_cache_is_trimmed()
    {
        await using var emulator = await KubeApiEmulator.StartAsync(cancellationToken: Ct);
        foreach (var crd in Directory.GetFiles(Path.Combine(RepositoryRootPath(), "crds"), "*.yaml"))
            await emulator.ApplyYamlAsync(await File.ReadAllTextAsync(crd, Ct), cancellationToken: Ct);
        var dir = Directory.CreateTempSubdirectory("cache-tests-");
        using var client = new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(
            emulator.WriteKubeconfig(Path.Combine(dir.FullName, "kubeconfig"))));
        await emulator.ApplyYamlAsync($$"""
            apiVersion: {{ApiGroup.Group}}/{{ApiGroup.Version}}
            kind: ServerPower
            metadata:
              name: mc
              labels: {fleet: games}
              annotations:
                {{ObjectStore<ServerPowerResource>.LastAppliedAnnotation}}: '{"big":"copy of the whole object"}'
                {{Annotations.Restart}}: "r1"
            spec: {providerRef: {name: p}, serverId: "1"}
            """, cancellationToken: Ct);

        var services = new ServiceCollection();
        services.AddSingleton<IKubernetes>(client);
        services.AddOperatorRuntime(new RuntimeOptions { LabelSelector = "fleet=games" });
        services.AddInformer<ServerPowerResource>(ResourceKinds.ServerPower);
        services.AddInformer<PowerProviderResource>(ResourceKinds.PowerProvider);
        await using var provider = services.BuildServiceProvider();
        var informer = provider.GetRequiredService<Informer<ServerPowerResource>>();
        var reader = new CachedResourceClient(new KubernetesResourceClient(client), provider.GetRequiredService<ICacheReader>());
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var run = informer.RunAsync(cts.Token);
        await informer.Synced.WaitAsync(Eventually.Deadline, Ct);

        var cached = await reader.GetServerAsync("default", "mc", Ct);
        Assert.NotNull(cached);
        Assert.Null(cached.Metadata.ManagedFields);
        Assert.False(cached.Metadata.Annotations.ContainsKey(ObjectStore<ServerPowerResource>.LastAppliedAnnotation));
        Assert.Equal("r1", cached.Metadata.Annotations[Annotations.Restart]);

        await client.CustomObjects.PatchNamespacedCustomObjectAsync(new k8s.Models.V1Patch("""{"metadata":{"labels":{"fleet":"other"}}}""",
            k8s.Models.V1Patch.PatchType.MergePatch), ApiGroup.Group, ApiGroup.Version, "default", ApiGroup.ServerPowerPlural, "mc", cancellationToken: Ct);
        await Eventually.Until(() => informer.Store.Count == 0, "the server leaves the cache");
        Assert.Null(await reader.GetServerAsync("default", "mc", Ct));

        await cts.CancelAsync();
        await run;
        dir.Delete(recursive: true);
    }

    private static string RepositoryRootPath()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Operator.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
