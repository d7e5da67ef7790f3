using k8s;
using Microsoft.Extensions.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Hosting;
using ServerPower.Sandbox.Kubernetes;
using ServerPower.Sandbox.Providers;
using ServerPower.Sandbox.Services;

namespace ServerPower.Sandbox.Command;

/// <summary>
/// <c>sandbox</c>: the whole system on one machine. Starts the Kubernetes API emulator and one simulator per
/// provider type on 127.0.0.1, writes a kubeconfig, installs crds/, applies the samples pointed at the simulators,
/// and runs the operator in this process (plain http allowed for loopback only) until Ctrl+C.
/// </summary>
public static class SandboxCommand
{
    public const string Usage = "usage: dotnet run --project src/ServerPower.Sandbox -- [--kubeconfig PATH] [--api-port N] [--port N] [--no-samples]";

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
                var documents = SampleInstaller.PointAtSimulators(SampleInstaller.Load(Path.Combine(root, "config", "samples")), simulators, service);
                samples = await SampleInstaller.ApplyAsync(client, documents, "default", CancellationToken.None);
            }

            var operatorOptions = new OperatorOptions
            {
                Kubeconfig = kubeconfig,
                Port = options.Port,
                ListenOnLoopback = true,
                AllowLoopbackHttp = true,
                LeaderElectionNamespace = "default",
                ResyncPeriod = TimeSpan.FromMinutes(1),
            };
            await using var app = OperatorHost.Build(operatorOptions);
            await OperatorHost.StartAsync(app);
            var urls = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            PrintWelcome(emulator.BaseAddress, kubeconfig, simulators.Values, samples, urls);
            await app.WaitForShutdownAsync();
            return 0;
        }
        finally
        {
            foreach (var simulator in simulators.Values) await simulator.DisposeAsync();
        }
    }

    private static void PrintWelcome(Uri api, string kubeconfig, IEnumerable<IProviderSimulator> simulators, int samples, IEnumerable<string> urls)
    {
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, kubeconfig) is var r && r.StartsWith("..", StringComparison.Ordinal) ? kubeconfig : r;
        Console.WriteLine($"""

            ServerPower sandbox is running (Ctrl+C stops it).
              Kubernetes API emulator: {api}  (kubeconfig: {relative})
              operator metrics/health: {string.Join(", ", urls)}
            {string.Join("\n", simulators.Select(s => $"  {s.Type} simulator: {s.BaseAddress}"))}
              samples applied: {samples} objects

            Try:
              kubectl --kubeconfig {relative} get serverpowers -A
              kubectl --kubeconfig {relative} get spw -A -o wide
              kubectl --kubeconfig {relative} wait --for=condition=Ready spw --all -A --timeout=60s
              kubectl --kubeconfig {relative} patch spw wenium-web -n default --type merge -p '{"{"}"spec":{"{"}"state":"Stopped"{"}}"}'
              kubectl --kubeconfig {relative} annotate spw wenium-web -n default --overwrite {Annotations.Restart}=$(date +%s)
              kubectl --kubeconfig {relative} get events -n default
              kubectl --kubeconfig {relative} explain serverpower.spec

            """);
    }
}
