using ServerPower.Api.Resources;
using ServerPower.Api.Serialization;
using ServerPower.Api.Tests.Support;
using ServerPower.Api.Vocabulary;

namespace ServerPower.Api.Tests.Samples;

/// <summary>config/samples: complete, consistent, and valid against the CRD schemas.</summary>
public sealed class SampleTests
{
    public static TheoryData<string> Resources =>
        [.. Support.Samples.Documents.Where(d => d.Kind is ApiGroup.ServerPowerKind or ApiGroup.PowerProviderKind or ApiGroup.PowerScheduleKind).Select(d => d.ToString())];

    [Theory, MemberData(nameof(Resources))]
    public void Every_sample_is_valid_against_its_CRD_schema(string sample)
    {
        var document = Support.Samples.Documents.Single(d => d.ToString() == sample);

        var errors = SchemaValidator.For(Crd.ForKind(document.Kind)).Validate(document.Document);

        Assert.True(errors.Count == 0, $"{sample} is invalid:\n  " + string.Join("\n  ", errors));
    }

    [Fact]
    public void The_kustomization_lists_every_sample_file()
    {
        var kustomization = YamlJson.ParseFile(Path.Combine(Support.Samples.Directory, "kustomization.yaml"));
        var listed = kustomization["resources"]!.AsArray().Select(r => (string)r!).Order(StringComparer.Ordinal);

        Assert.Equal(Support.Samples.Files.Select(Path.GetFileName).Order(StringComparer.Ordinal), listed);
    }

    [Fact]
    public void Samples_carry_no_namespace()
    {
        Assert.All(Support.Samples.Documents, d => Assert.Null(d.Document["metadata"]?["namespace"]));
    }

    [Fact]
    public void Every_provider_type_has_a_sample_provider_and_server()
    {
        var providers = Support.Samples.OfKind(ApiGroup.PowerProviderKind)
            .Select(p => ApiJson.Deserialize<PowerProviderResource>(p.Document.ToJsonString())!)
            .ToList();
        var servers = Support.Samples.OfKind(ApiGroup.ServerPowerKind)
            .Select(s => ApiJson.Deserialize<ServerPowerResource>(s.Document.ToJsonString())!)
            .ToList();

        foreach (var type in Enum.GetValues<ProviderType>())
        {
            var provider = Assert.Single(providers, p => p.Spec.Type == type);
            Assert.Contains(servers, s => s.Spec.ProviderRef.Name == provider.Metadata.Name);
        }
    }

    [Fact]
    public void A_sample_shows_a_PowerSchedule_and_a_server_that_follows_it()
    {
        var schedule = Assert.Single(Support.Samples.OfKind(ApiGroup.PowerScheduleKind));
        Assert.Contains(Support.Samples.OfKind(ApiGroup.ServerPowerKind), s =>
            (string?)s.Spec["state"] == nameof(DesiredPowerState.Scheduled) && (string?)s.Spec["scheduleRef"]?["name"] == schedule.Name);
    }

    [Fact]
    public void Every_reference_resolves_to_a_sample()
    {
        var providers = Support.Samples.OfKind(ApiGroup.PowerProviderKind).Select(p => p.Name).ToHashSet();
        var secretKeys = Support.Samples.OfKind("Secret")
            .SelectMany(s => s.Document["stringData"]!.AsObject().Select(kv => $"{s.Name}/{kv.Key}"))
            .ToHashSet();
        var problems = new List<string>();
        foreach (var sample in Support.Samples.Documents)
        {
            var spec = sample.Document["spec"];
            if (sample.Kind == ApiGroup.ServerPowerKind && !providers.Contains((string)spec!["providerRef"]!["name"]!))
                problems.Add($"{sample}: providerRef names no sample PowerProvider");
            if (sample.Kind == ApiGroup.ServerPowerKind && spec!["scheduleRef"]?["name"] is { } schedule
                && !Support.Samples.OfKind(ApiGroup.PowerScheduleKind).Any(s => s.Name == (string)schedule!))
                problems.Add($"{sample}: scheduleRef names no sample PowerSchedule");
            foreach (var reference in new[] { spec?["credentialsSecretRef"], spec?["caBundleSecretRef"], spec?["rebuild"]?["rootPasswordSecretRef"] })
            {
                if (reference is not null && !secretKeys.Contains($"{reference["name"]}/{reference["key"]}"))
                    problems.Add($"{sample}: Secret key {reference["name"]}/{reference["key"]} is in no sample Secret's stringData");
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Server_ids_look_like_each_providers_ids()
    {
        var types = Support.Samples.OfKind(ApiGroup.PowerProviderKind)
            .ToDictionary(p => p.Name, p => Enum.Parse<ProviderType>((string)p.Spec["type"]!));
        foreach (var server in Support.Samples.OfKind(ApiGroup.ServerPowerKind))
        {
            var id = (string)server.Spec["serverId"]!;
            var looksRight = types[(string)server.Spec["providerRef"]!["name"]!] switch
            {
                ProviderType.Wenium => long.TryParse(id, out _),
                ProviderType.PterodactylPanel => id.Length == 8 && id.All(char.IsAsciiHexDigitLower) || Guid.TryParse(id, out _),
                ProviderType.Wings => Guid.TryParse(id, out _),
                _ => id.StartsWith("vps_", StringComparison.Ordinal),
            };
            Assert.True(looksRight, $"{server}: serverId {id} does not look like its provider's ids");
        }
    }

    [Fact]
    public void A_Wenium_sample_shows_both_one_shot_annotations_and_a_rebuild()
    {
        var weniumProviders = Support.Samples.OfKind(ApiGroup.PowerProviderKind)
            .Where(p => (string?)p.Spec["type"] == nameof(ProviderType.Wenium)).Select(p => p.Name).ToHashSet();

        var server = Support.Samples.OfKind(ApiGroup.ServerPowerKind)
            .Select(s => ApiJson.Deserialize<ServerPowerResource>(s.Document.ToJsonString())!)
            .Single(s => s.Metadata.Annotations?.ContainsKey(Annotations.Restart) == true);

        Assert.Contains(Annotations.Rebuild, server.Metadata.Annotations!.Keys);
        Assert.All(server.Metadata.Annotations.Values, token => Assert.InRange(token.Length, 1, Annotations.MaxTokenLength));
        Assert.Contains(server.Spec.ProviderRef.Name, weniumProviders);
        Assert.False(string.IsNullOrEmpty(server.Spec.Rebuild?.OsId));
    }
}
