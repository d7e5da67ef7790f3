using ServerPower.KubectlPower.Cli;
using ServerPower.KubectlPower.Kube;

namespace ServerPower.KubectlPower.Commands;

/// <summary>
/// The whole plugin: parse, print help (exit 0), load the kubeconfig, run one command. A usage error is one line and
/// exit code 2; a failure one line (per object) and exit code 1.
/// </summary>
public static class PluginRunner
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter errors, CancellationToken cancellationToken)
    {
        try
        {
            var invocation = ArgumentParser.Parse(args);
            if (invocation.Help)
            {
                output.Write(Usage.For(invocation.Command));
                return 0;
            }
            var home = Environment.GetEnvironmentVariable("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            var target = KubeconfigLoader.Load(invocation, Environment.GetEnvironmentVariable("KUBECONFIG"), home);
            using var client = new k8s.Kubernetes(target.Configuration);
            var context = new CommandContext(new ServerPowers(client, target.Configuration.Host), target.Namespace, output, errors,
                TimeProvider.System, Random.Shared);
            return invocation.Command switch
            {
                "restart" or "rebuild" or "wake" => await OneShotCommand.RunAsync(invocation, context, cancellationToken),
                "start" or "stop" => await StateCommand.RunAsync(invocation, context, cancellationToken),
                "hold" => await HoldCommand.HoldAsync(invocation, context, cancellationToken),
                "release" => await HoldCommand.ReleaseAsync(invocation, context, cancellationToken),
                _ => await StatusCommand.RunAsync(invocation, context, cancellationToken),
            };
        }
        catch (UsageException e)
        {
            errors.WriteLine($"error: {e.Message}");
            return 2;
        }
        catch (CommandException e)
        {
            errors.WriteLine($"error: {e.Message}");
            return 1;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            errors.WriteLine("error: interrupted");
            return 130;
        }
    }
}
