using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ServerPower.Operator.Hosting;
using ServerPower.Operator.Reconciliation;
using ServerPower.Runtime;
using ServerPower.Providers;

namespace ServerPower.Operator.Tests.Hosting;

/// <summary>The operator's container as Program builds it: every service resolves, and the caller's services are kept.</summary>
public sealed class OperatorHostTests
{
    [Fact]
    public async Task The_container_builds_every_controller_and_keeps_the_callers_services_and_settings()
    {
        var dir = Directory.CreateTempSubdirectory("operator-host-");
        var kubeconfig = Path.Combine(dir.FullName, "kubeconfig");
        await File.WriteAllTextAsync(kubeconfig, """
            apiVersion: v1
            kind: Config
            clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
            users: [{name: u, user: {token: t}}]
            contexts: [{name: x, context: {cluster: c, user: u}}]
            current-context: x
            """, TestContext.Current.CancellationToken);
        var time = new FakeTimeProvider();
        var options = OptionsParser.Parse(["--kubeconfig", kubeconfig, "--port", "0", "--leader-election-namespace", "ops",
            "--provider-request-timeout", "3s", "--breaker-break-duration", "1m"], new Dictionary<string, string>());

        await using var app = OperatorHost.Build(options, services => services.AddSingleton<TimeProvider>(time));

        var manager = app.Services.GetRequiredService<ControllerManager>();
        Assert.Equal([OperatorHost.ProviderControllerName, OperatorHost.ScheduleControllerName, OperatorHost.ServerControllerName],
            manager.ControllerNames.Order());
        Assert.Equal(3, manager.Informers.Count);
        Assert.NotNull(app.Services.GetRequiredService<ServerPowerReconciler>());
        Assert.NotNull(app.Services.GetRequiredService<PowerProviderReconciler>());
        Assert.NotNull(app.Services.GetRequiredService<PowerScheduleReconciler>());
        Assert.IsType<global::ServerPower.Operator.Kubernetes.CachedScheduleClient>(app.Services.GetRequiredService<global::ServerPower.Operator.Kubernetes.IScheduleClient>());
        Assert.Same(time, app.Services.GetRequiredService<TimeProvider>());
        var providerOptions = app.Services.GetRequiredService<IOptions<ProviderOptions>>().Value;
        Assert.Equal((TimeSpan.FromSeconds(3), TimeSpan.FromMinutes(1)), (providerOptions.RequestTimeout, providerOptions.BreakerBreakDuration));
        dir.Delete(recursive: true);
    }
}
