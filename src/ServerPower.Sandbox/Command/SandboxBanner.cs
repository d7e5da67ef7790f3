using ServerPower.Api.Vocabulary;

namespace ServerPower.Sandbox.Command;

/// <summary>What the sandbox prints once it runs: where everything listens and the kubectl commands to try.</summary>
public static class SandboxBanner
{
    /// <summary>
    /// The banner. <paramref name="kubeconfig"/> is the file the sandbox wrote and <paramref name="workingDirectory"/>
    /// where it was started: the commands name the file relative to it, and the <c>export KUBECONFIG=</c> line names it
    /// so that a later shell finds it (through <c>$PWD</c> when it is under that directory), since <c>kubectl power</c>
    /// takes <c>--kubeconfig</c> only after <c>power</c> (kubectl refuses <c>kubectl --kubeconfig F power</c>).
    /// </summary>
    public static string Text(Uri api, string kubeconfig, string workingDirectory, IEnumerable<string> simulators, int samples, IEnumerable<string> urls)
    {
        var relative = Relative(kubeconfig, workingDirectory);
        return $"""

            ServerPower sandbox is running (Ctrl+C stops it).
              Kubernetes API emulator: {api}  (kubeconfig: {relative})
              operator metrics/health: {string.Join(", ", urls)}
            {string.Join("\n", simulators.Select(s => $"  {s}"))}
              samples applied: {samples} objects

            Try:
              kubectl --kubeconfig {relative} get serverpowers -A
              kubectl --kubeconfig {relative} get spw -A -o wide
              kubectl --kubeconfig {relative} wait --for=condition=Ready spw --all -A --timeout=60s
              kubectl --kubeconfig {relative} patch spw wenium-web -n default --type merge -p '{"{"}"spec":{"{"}"state":"Stopped"{"}}"}'
              kubectl --kubeconfig {relative} annotate spw wenium-web -n default --overwrite {Annotations.Restart}=$(date +%s)
              kubectl --kubeconfig {relative} get events -n default
              kubectl --kubeconfig {relative} explain serverpower.spec

            In another shell (kubectl plugins such as kubectl power take --kubeconfig only after their name):
              export KUBECONFIG={Export(kubeconfig, workingDirectory)}
              kubectl power status -A

            """;
    }

    /// <summary>The path relative to the working directory when it is under it, else as given.</summary>
    public static string Relative(string path, string workingDirectory) =>
        Path.GetRelativePath(workingDirectory, path) is var r && !r.StartsWith("..", StringComparison.Ordinal) && !Path.IsPathRooted(r) ? r : path;

    /// <summary>The value for <c>export KUBECONFIG=</c>: <c>$PWD/</c> and the relative path, or the full path; quoted if the shell needs it.</summary>
    private static string Export(string kubeconfig, string workingDirectory)
    {
        var relative = Relative(kubeconfig, workingDirectory);
        var value = relative == kubeconfig ? Path.GetFullPath(kubeconfig) : "$PWD/" + relative;
        return value.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '_' or '-' or '$') ? value : $"\"{value.Replace("\"", "\\\"", StringComparison.Ordinal)}\"";
    }
}
