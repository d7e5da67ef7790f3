using System.Net;
using System.Runtime.InteropServices;
using k8s;
using Microsoft.Extensions.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Hosting;
using ServerPower.Providers.Outbound;
using ServerPower.Sandbox.Activity;
using ServerPower.Sandbox.Kubernetes;
using ServerPower.Sandbox.Providers;
using ServerPower.Sandbox.Services;

namespace ServerPower.Sandbox.Command;

/// <summary>
/// <c>sandbox</c>: the whole system on one machine. Starts the Kubernetes API emulator and one simulator per
/// provider type on 127.0.0.1, writes a kubeconfig, installs crds/, applies the samples pointed at the simulators,
/// and runs the operator in this process (plain http and outbound connections allowed for loopback, where the
/// simulators are) until Ctrl+C. With --no-operator it runs everything but the operator, which is then started by hand
/// with production flags (loopback refused but for --allowed-cidrs 127.0.0.1/32), next to a listener on 127.0.0.2 that
/// such an operator must never connect to.
/// </summary>
public static class SandboxCommand
{
    public const string Usage = "usage: dotnet run --project src/ServerPower.Sandbox -- [--kubeconfig PATH] [--api-port N] [--port N] [--no-samples] [--no-operator]";

    public static async Task<int> RunAsync(string[] args)
    {
        try
        {
            return await RunOrThrowAsync(args);
        }
        catch (IOException e) when (PortInUse.Matches(e))
        {
            Console.Error.WriteLine($"sandbox: {PortInUse.Message(e)} (--api-port and --port choose the ports; 0 picks free ones)");
            return 1;
        }
        catch (SandboxSetupException e)
        {
            Console.Error.WriteLine($"sandbox: {e.Message}");
            return 1;
        }
    }

    private static async Task<int> RunOrThrowAsync(string[] args)
    {
        if (OptionsParser.WantsHelp(args))
        {
            Console.WriteLine(Usage);
            return 0;
        }
        SandboxOptions options;
        try
        {
            options = SandboxOptions.Parse(args);
        }
        catch (OptionsException e)
        {
            Console.Error.WriteLine($"sandbox: {e.Message} (see --help)");
            return 2;
        }
        string root;
        try
        {
            root = RepositoryRoot.Find();
        }
        catch (DirectoryNotFoundException e)
        {
            throw new SandboxSetupException(e.Message);
        }
        await using var emulator = await KubeApiEmulator.StartAsync(new KubeApiEmulatorOptions { Port = options.ApiPort });
        var kubeconfig = Path.GetFullPath(options.Kubeconfig);
        try
        {
            emulator.WriteKubeconfig(kubeconfig);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SandboxSetupException($"cannot write the kubeconfig {kubeconfig}: {e.Message} (--kubeconfig chooses where)");
        }
        var simulators = new Dictionary<ProviderType, IProviderSimulator>();
        // The samples' readiness probes connect here: a stand-in for the servers' services.
        await using var service = ServiceListener.Start();
        // The auto-stop sample reads its players here: a Minecraft Server List Ping fake with nobody online.
        await using var minecraft = MinecraftPingListener.Start(players: 0);
        try
        {
            foreach (var type in Enum.GetValues<ProviderType>())
                simulators[type] = await ProviderSimulators.StartAsync(type);
            var client = new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
            foreach (var crd in Directory.GetFiles(Path.Combine(root, "crds"), "*.yaml").Order(StringComparer.Ordinal))
                await emulator.ApplyYamlAsync(await File.ReadAllTextAsync(crd));
            var samples = 0;
            if (!options.NoSamples)
            {
                var documents = SampleInstaller.PointAtSimulators(SampleInstaller.Load(Path.Combine(root, "config", "samples")), simulators, service, minecraft);
                samples = await SampleInstaller.ApplyAsync(client, documents, "default", CancellationToken.None);
            }

            if (options.NoOperator)
            {
                await RunWithoutOperatorAsync(emulator.BaseAddress, kubeconfig, simulators.Values, samples, minecraft);
                return 0;
            }
            var operatorOptions = new OperatorOptions
            {
                Kubeconfig = kubeconfig,
                Port = options.Port,
                ListenOnLoopback = true,
                AllowLoopbackHttp = true,
                AllowedCidrs = OutboundPolicy.AllowingLoopback.AllowedCidrs,
                LeaderElectionNamespace = "default",
                ResyncPeriod = TimeSpan.FromMinutes(1),
            };
            await using var app = OperatorHost.Build(operatorOptions);
            await OperatorHost.StartAsync(app);
            var urls = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            PrintWelcome(emulator.BaseAddress, kubeconfig, simulators.Values, samples, minecraft, urls);
            await app.WaitForShutdownAsync();
            return 0;
        }
        finally
        {
            foreach (var simulator in simulators.Values) await simulator.DisposeAsync();
        }
    }

    /// <summary>
    /// Everything but the operator, until Ctrl+C or SIGTERM; prints how to run the operator by hand, and at the end how
    /// many connections the listener on 127.0.0.2 (refused by the production default) accepted: 0 when the policy held.
    /// </summary>
    private static async Task RunWithoutOperatorAsync(Uri api, string kubeconfig, IEnumerable<IProviderSimulator> simulators, int samples, MinecraftPingListener minecraft)
    {
        await using var refused = ServiceListener.Start(address: IPAddress.Parse("127.0.0.2"));
        var relative = Relative(kubeconfig);
        PrintWelcome(api, kubeconfig, simulators, samples, minecraft, ["not started (--no-operator)"]);
        Console.WriteLine($"""
            Run the operator by hand with production flags (loopback refused but for 127.0.0.1, where the simulators are):
              dotnet run --project src/ServerPower.Operator -- --kubeconfig {relative} --leader-election false \
                --port 8081 --allow-http-endpoints true --allowed-cidrs 127.0.0.1/32
            A listener on {refused.Address}:{refused.Port} stands for a service that policy refuses; point a probe at it:
              kubectl --kubeconfig {relative} patch spw wenium-database -n default --type merge \
                -p '{"{"}"spec":{"{"}"readinessProbe":{"{"}"tcpSocket":{"{"}"host":"{refused.Address}","port":{refused.Port}{"}}}}"}'
              kubectl --kubeconfig {relative} get spw wenium-database -n default -o jsonpath='{"{"}.status.conditions{"}"}'
            (Synced=False EndpointNotAllowed; the connections it accepted are counted when the sandbox stops.)

            """);
        var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            stop.TrySetResult();
        };
        Console.CancelKeyPress += onCancel;
        using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.TrySetResult();
        });
        try
        {
            await stop.Task;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
        Console.WriteLine($"{refused.Address}:{refused.Port} accepted {refused.Accepted} connection(s)");
    }

    private static string Relative(string path) => SandboxBanner.Relative(path, Environment.CurrentDirectory);

    private static void PrintWelcome(Uri api, string kubeconfig, IEnumerable<IProviderSimulator> simulators, int samples, MinecraftPingListener minecraft,
        IEnumerable<string> urls) =>
        Console.WriteLine(SandboxBanner.Text(api, kubeconfig, Environment.CurrentDirectory,
            [.. simulators.Select(s => $"{s.Type} simulator: {s.BaseAddress}"),
             $"Minecraft activity fake: {minecraft.Address}:{minecraft.Port} (0 players: wenium-minecraft auto-stops a minute after its start; kubectl power wake wenium-minecraft starts it again)"],
            samples, urls));
}
