using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Serialization;
using Prometheus;

// Runs for the given seconds (default 20) doing what the operator does at rest, then prints its peak RSS (VmHWM).
var seconds = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 20;
using var certificate = SelfSigned();
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l =>
{
    l.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http1AndHttp2;
    l.UseHttps(certificate);
}));
var app = builder.Build();
var served = Metrics.CreateCounter("floor_objects_served_total", "Objects served.");
var objects = Enumerable.Range(0, 100).Select(i => new Item($"server-{i}", i % 2 == 0 ? "Running" : "Stopped", DateTimeOffset.UnixEpoch.AddSeconds(i))).ToList();
app.MapGet("/objects", () => { served.Inc(objects.Count); return Results.Json(objects, FloorJson.Default.ListItem); });
RequestDelegate watch = async ctx =>
{
    ctx.Response.ContentType = "application/json";
    for (var i = 0; !ctx.RequestAborted.IsCancellationRequested; i++)
    {
        await ctx.Response.WriteAsync(JsonSerializer.Serialize(objects[i % objects.Count], FloorJson.Default.Item) + "\n", ctx.RequestAborted);
        await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
        await Task.Delay(50, ctx.RequestAborted);
    }
};
app.MapGet("/watch", watch);
RequestDelegate metrics = ctx => Metrics.DefaultRegistry.CollectAndExportAsTextAsync(ctx.Response.Body, ctx.RequestAborted);
app.MapGet("/metrics", metrics);
await app.StartAsync();
var address = app.Urls.First();

using var http = new HttpClient(new SocketsHttpHandler
{
    SslOptions = { RemoteCertificateValidationCallback = (_, cert, _, _) => cert?.GetCertHashString() == certificate.GetCertHashString() },
}) { BaseAddress = new Uri(address), DefaultRequestVersion = HttpVersion.Version20 };
using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
var watching = Task.Run(async () =>
{
    try
    {
        using var stream = await http.GetStreamAsync("/watch", stop.Token);
        using var reader = new StreamReader(stream);
        while (await reader.ReadLineAsync(stop.Token) is { } line) JsonSerializer.Deserialize(line, FloorJson.Default.Item);
    }
    catch (OperationCanceledException) { }
});
try
{
    while (!stop.IsCancellationRequested)
    {
        var list = await http.GetFromJsonAsync("/objects", FloorJson.Default.ListItem, stop.Token);
        if (list?.Count != objects.Count) throw new InvalidOperationException("short read");
        await http.GetStringAsync("/metrics", stop.Token);
        await Task.Delay(100, stop.Token);
    }
}
catch (OperationCanceledException) { }
await watching;
await app.StopAsync();
var hwm = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
Console.WriteLine($"{(System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported ? "jit" : "aot")} {hwm}");

static X509Certificate2 SelfSigned()
{
    using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
    var san = new SubjectAlternativeNameBuilder();
    san.AddIpAddress(IPAddress.Loopback);
    request.CertificateExtensions.Add(san.Build());
    using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1));
    return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pfx), null);
}

internal sealed record Item(string Name, string State, DateTimeOffset Since);

[JsonSerializable(typeof(List<Item>))]
[JsonSerializable(typeof(Item))]
internal sealed partial class FloorJson : JsonSerializerContext;
