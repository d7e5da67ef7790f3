using ServerPower.Deployment.Tests.Infrastructure;

namespace ServerPower.Deployment.Tests.Chart;

/// <summary>
/// What <c>helm install</c> prints (templates/NOTES.txt): the default image and a chart repository do not exist yet,
/// so the notes say so and how to build the image and load it into a local cluster.
/// </summary>
public sealed class NotesTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static async Task<string> NotesAsync(params string[] extra)
    {
        var output = await Tool.RunCheckedAsync("helm",
            ["install", Helm.Release, Repository.ChartDirectory, "--namespace", Helm.Namespace, "--dry-run=client", .. extra], Cancel);
        var notes = output.IndexOf("NOTES:", StringComparison.Ordinal);
        Assert.True(notes >= 0, output);
        return output[notes..];
    }

    [Fact]
    public async Task With_the_default_image_the_notes_say_it_is_a_placeholder_and_how_to_build_and_load_it()
    {
        var notes = await NotesAsync();

        Assert.Contains("The image ghcr.io/serverops/serverpower-operator:0.1.0 is a placeholder", notes, StringComparison.Ordinal);
        Assert.Contains("docker build -t <registry>/serverpower-operator:0.1.0 .", notes, StringComparison.Ordinal);
        Assert.Contains("kind load docker-image serverpower-operator:0.1.0", notes, StringComparison.Ordinal);
        Assert.Contains("docker save serverpower-operator:0.1.0 | sudo k3s ctr images import -", notes, StringComparison.Ordinal);
        Assert.Contains("no chart repository is published yet", notes, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_an_image_of_your_own_the_notes_do_not_talk_about_the_placeholder()
    {
        var notes = await NotesAsync("--set", "image.repository=registry.example.com/serverpower-operator");

        Assert.DoesNotContain("placeholder", notes, StringComparison.Ordinal);
        Assert.Contains("rollout status deployment/serverpower-operator", notes, StringComparison.Ordinal);
    }
}
