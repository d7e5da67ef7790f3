using k8s.KubeConfigModels;

namespace ServerPower.Operator.Hosting.Kubeconfig;

/// <summary>
/// Reads kubeconfig files into KubernetesClient's <see cref="K8SConfiguration"/>, built by hand, so that the operator
/// needs no YAML library: KubernetesClient's own loader goes through YamlDotNet, which the operator's output and image
/// leave out (ServerPower.Operator.csproj). JSON files (first character <c>{</c>) go through System.Text.Json, the rest
/// through <see cref="KubeconfigYaml"/>. Relative paths (certificate-authority, client-certificate, client-key,
/// tokenFile, and exec.command when it names a path) are resolved against the file's directory, as kubectl does.
/// Fields KubernetesClient has no property for are ignored, as its loader ignores them, except <c>tokenFile</c> and
/// <c>proxy-url</c> (<see cref="LoadedKubeconfig"/>).
/// </summary>
public static class KubeconfigReader
{
    public static LoadedKubeconfig Read(string path)
    {
        var file = Path.GetFullPath(path);
        if (!File.Exists(file)) throw new FileNotFoundException($"kubeconfig file not found at {file}", file);
        var text = File.ReadAllText(file);
        var root = text.TrimStart('\uFEFF', ' ', '\t', '\r', '\n').StartsWith('{') ? KubeconfigJson.Parse(text, file) : KubeconfigYaml.Parse(text, file);
        return new Mapper(file).Map(root);
    }

    /// <summary>Several files as one (KUBECONFIG=a:b): files that do not exist are skipped, as kubectl skips them.</summary>
    public static LoadedKubeconfig Read(IReadOnlyList<string> paths)
    {
        if (paths.Count == 1) return Read(paths[0]);
        var existing = paths.Where(File.Exists).ToList();
        if (existing.Count == 0) throw new FileNotFoundException($"none of the kubeconfig files exists: {string.Join(", ", paths)}");
        return LoadedKubeconfig.Merge([.. existing.Select(Read)]);
    }

    private sealed class Mapper(string file)
    {
        private readonly string directory = Path.GetDirectoryName(file)!;
        private readonly Dictionary<string, string> tokenFiles = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> proxyUrls = new(StringComparer.Ordinal);

        public LoadedKubeconfig Map(KubeconfigNode? root)
        {
            var top = Mapping(root, "the file") ?? throw Fail(0, "the file is empty");
            var configuration = new K8SConfiguration
            {
                FileName = file,
                ApiVersion = Text(top, "apiVersion", ""),
                Kind = Text(top, "kind", ""),
                CurrentContext = Text(top, "current-context", "") is { Length: > 0 } current ? current : null,
                Clusters = Named(top, "clusters", "cluster", (name, details, at) => new Cluster { Name = name, ClusterEndpoint = details is null ? null : Cluster(name, details, at) }),
                Users = Named(top, "users", "user", (name, details, at) => new User { Name = name, UserCredentials = details is null ? null : User(name, details, at) }),
                Contexts = Named(top, "contexts", "context", (name, details, at) => new Context { Name = name, ContextDetails = details is null ? null : Context(details, at) }),
            };
            return new LoadedKubeconfig(configuration, tokenFiles, proxyUrls);
        }

        private ClusterEndpoint Cluster(string name, KubeconfigMapping details, string at)
        {
            if (Text(details, "proxy-url", at) is { Length: > 0 } proxy)
            {
                if (!Uri.TryCreate(proxy, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https" or "socks5"))
                    throw Fail(details.Entries["proxy-url"].Line, $"{at}.proxy-url must be an http, https or socks5 URL");
                proxyUrls[name] = proxy;
            }
            return new ClusterEndpoint
            {
                Server = Text(details, "server", at),
                CertificateAuthority = FilePath(Text(details, "certificate-authority", at)),
                CertificateAuthorityData = Text(details, "certificate-authority-data", at),
                SkipTlsVerify = Flag(details, "insecure-skip-tls-verify", at),
                TlsServerName = Text(details, "tls-server-name", at),
            };
        }

        private UserCredentials User(string name, KubeconfigMapping details, string at)
        {
            if (FilePath(Text(details, "tokenFile", at)) is { Length: > 0 } tokenFile) tokenFiles[name] = tokenFile;
            var credentials = new UserCredentials
            {
                Token = Text(details, "token", at),
                ClientCertificate = FilePath(Text(details, "client-certificate", at)),
                ClientCertificateData = Text(details, "client-certificate-data", at),
                ClientKey = FilePath(Text(details, "client-key", at)),
                ClientKeyData = Text(details, "client-key-data", at),
                UserName = Text(details, "username", at),
                Password = Text(details, "password", at),
            };
            if (Mapping(Entry(details, "exec"), $"{at}.exec") is { } exec) credentials.ExternalExecution = Exec(exec, $"{at}.exec");
            if (Mapping(Entry(details, "auth-provider"), $"{at}.auth-provider") is { } provider)
            {
                credentials.AuthProvider = new AuthProvider
                {
                    Name = Text(provider, "name", $"{at}.auth-provider"),
                    Config = Mapping(Entry(provider, "config"), $"{at}.auth-provider.config") is { } config
                        ? config.Entries.ToDictionary(e => e.Key, e => Text(config, e.Key, $"{at}.auth-provider.config") ?? "")
                        : null!,
                };
            }
            return credentials;
        }

        private ExternalExecution Exec(KubeconfigMapping exec, string at)
        {
            var command = Text(exec, "command", at);
            var env = new List<Dictionary<string, string>>();
            var items = Sequence(Entry(exec, "env"), $"{at}.env");
            for (var i = 0; i < items.Count; i++)
            {
                var variable = Mapping(items[i], $"{at}.env[{i}]") ?? throw Fail(items[i].Line, $"{at}.env[{i}] must be a mapping");
                env.Add(new Dictionary<string, string>
                {
                    ["name"] = Text(variable, "name", $"{at}.env[{i}]") ?? throw Fail(variable.Line, $"{at}.env[{i}] has no name"),
                    ["value"] = Text(variable, "value", $"{at}.env[{i}]") ?? "",
                });
            }
            return new ExternalExecution
            {
                ApiVersion = Text(exec, "apiVersion", at),
                // A command with a slash in it is a path, relative to the kubeconfig's directory; else it is looked up on PATH.
                Command = command is not null && (command.Contains('/') || command.Contains(Path.DirectorySeparatorChar)) ? FilePath(command) : command,
                Arguments = [.. Sequence(Entry(exec, "args"), $"{at}.args").Select((arg, i) => Scalar(arg, $"{at}.args[{i}]") ?? "")],
                EnvironmentVariables = env,
                InstallHint = Text(exec, "installHint", at),
                ProvideClusterInfo = Flag(exec, "provideClusterInfo", at),
            };
        }

        private ContextDetails Context(KubeconfigMapping details, string at) => new()
        {
            Cluster = Text(details, "cluster", at),
            User = Text(details, "user", at),
            Namespace = Text(details, "namespace", at),
        };

        /// <summary>clusters, users, contexts: lists of {name, &lt;item&gt;: {...}}.</summary>
        private List<T> Named<T>(KubeconfigMapping top, string list, string item, Func<string, KubeconfigMapping?, string, T> make)
        {
            var result = new List<T>();
            var entries = Sequence(Entry(top, list), list);
            for (var i = 0; i < entries.Count; i++)
            {
                var at = $"{list}[{i}]";
                var entry = Mapping(entries[i], at) ?? throw Fail(entries[i].Line, $"{at} must be a mapping");
                var name = Text(entry, "name", at) ?? throw Fail(entry.Line, $"{at} has no name");
                result.Add(make(name, Mapping(Entry(entry, item), $"{at}.{item}"), $"{at}.{item}"));
            }
            return result;
        }

        private static KubeconfigNode? Entry(KubeconfigMapping mapping, string key) => mapping.Entries.GetValueOrDefault(key);

        /// <summary>A mapping; null for a missing or null value.</summary>
        private KubeconfigMapping? Mapping(KubeconfigNode? node, string at) => node switch
        {
            null or KubeconfigScalar { Value: null } => null,
            KubeconfigMapping mapping => mapping,
            _ => throw Fail(node.Line, $"{at} must be a mapping"),
        };

        /// <summary>A list; empty for a missing or null value.</summary>
        private IReadOnlyList<KubeconfigNode> Sequence(KubeconfigNode? node, string at) => node switch
        {
            null or KubeconfigScalar { Value: null } => [],
            KubeconfigSequence sequence => sequence.Items,
            _ => throw Fail(node.Line, $"{at} must be a list"),
        };

        private string? Scalar(KubeconfigNode? node, string at) => node switch
        {
            null => null,
            KubeconfigScalar scalar => scalar.Value,
            _ => throw Fail(node.Line, $"{at} must be a single value"),
        };

        private string? Text(KubeconfigMapping mapping, string key, string at) => Scalar(Entry(mapping, key), at.Length == 0 ? key : $"{at}.{key}");

        /// <summary>true or false (and YAML 1.1's yes, no, on, off, as kubectl reads them); missing is false.</summary>
        private bool Flag(KubeconfigMapping mapping, string key, string at) => Text(mapping, key, at)?.ToLowerInvariant() switch
        {
            null or "false" or "no" or "off" => false,
            "true" or "yes" or "on" => true,
            _ => throw Fail(mapping.Entries[key].Line, $"{at}.{key} must be true or false"),
        };

        private string? FilePath(string? path) => string.IsNullOrEmpty(path) ? path : Path.GetFullPath(path, directory);

        private FormatException Fail(int line, string message) =>
            new(line > 0 ? $"kubeconfig {file} line {line}: {message}" : $"kubeconfig {file}: {message}");
    }
}
