using CsCheck;
using ServerPower.Api.Connection;

namespace ServerPower.Api.Tests.Connection;

/// <summary>
/// Whatever names two merged files hold (names that differ only in case included), the context chosen is the first
/// one of exactly the wanted name in file order, with the first cluster of exactly its cluster's name; no name
/// matches another that differs in case.
/// </summary>
public sealed class KubeconfigLoaderProperties
{
    private static readonly string[] Names = ["a", "A", "b", "B", "ab", "aB"];
    private static readonly Gen<string> Name = Gen.Int[0, Names.Length - 1].Select(i => Names[i]);

    [Fact]
    public void The_first_entry_of_exactly_the_wanted_name_is_used()
    {
        var file = Gen.Select(Name.Array[0, 4], Name.Array[0, 4]);
        Gen.Select(file, file, Name).Sample((one, two, wanted) =>
        {
            var dir = Directory.CreateTempSubdirectory("kubeconfig-property-").FullName;
            try
            {
                // Context i of file f uses cluster "<its name>" and that cluster's server names file, index and kind.
                var files = new[] { one, two }.Select((names, f) => Write(dir, f, names)).ToList();
                var cluster = new[] { one, two }
                    .SelectMany((names, f) => names.Item2.Select((n, i) => (Name: n, Server: $"https://f{f}-cluster{i}.example")))
                    .FirstOrDefault(c => c.Name == wanted);
                if (!one.Item1.Concat(two.Item1).Contains(wanted, StringComparer.Ordinal))
                {
                    Assert.Equal($"context '{wanted}' is not in the kubeconfig", Assert.Throws<KubeconfigException>(() => KubeconfigLoader.Load(files, wanted)).Message);
                }
                else if (cluster == default)
                {
                    Assert.StartsWith($"cluster '{wanted}'", Assert.Throws<KubeconfigException>(() => KubeconfigLoader.Load(files, wanted)).Message, StringComparison.Ordinal);
                }
                else
                {
                    Assert.Equal(cluster.Server, KubeconfigLoader.Load(files, wanted).Host.TrimEnd('/'));
                }
            }
            finally
            {
                Directory.Delete(dir, recursive: true);
            }
        }, iter: 200);
    }

    /// <summary>A file whose contexts (names from the first list) each use the cluster of their own name; clusters named from the second list.</summary>
    private static string Write(string dir, int index, (string[] Context, string[] Cluster) names)
    {
        var clusters = names.Cluster.Select((n, i) => $"- {{name: {n}, cluster: {{server: \"https://f{index}-cluster{i}.example\"}}}}");
        var contexts = names.Context.Select(n => $"- {{name: {n}, context: {{cluster: {n}, user: u}}}}");
        var path = Path.Combine(dir, $"config-{index}");
        var lines = new List<string> { names.Cluster.Length == 0 ? "clusters: []" : "clusters:" };
        lines.AddRange(clusters);
        lines.Add("users: [{name: u, user: {token: t}}]");
        lines.Add(names.Context.Length == 0 ? "contexts: []" : "contexts:");
        lines.AddRange(contexts);
        File.WriteAllText(path, string.Join("\n", lines) + "\n");
        return path;
    }
}
