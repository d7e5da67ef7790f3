using System.Web;

namespace ServerPower.Operator.Kubernetes;

/// <summary>
/// Adds <c>fieldManager=serverpower-operator</c> to every POST, PUT and PATCH that does not name a field manager,
/// so writes made inside KubernetesClient (the Lease lock of leader election) carry it too; without one the API
/// server would record the User-Agent's product name.
/// </summary>
public sealed class FieldManagerHandler : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri is { } uri && (request.Method == HttpMethod.Post || request.Method == HttpMethod.Put || request.Method == HttpMethod.Patch)
            && string.IsNullOrEmpty(HttpUtility.ParseQueryString(uri.Query)["fieldManager"]))
        {
            var separator = uri.Query.Length > 1 ? "&" : uri.Query.Length == 1 ? "" : "?";
            request.RequestUri = new Uri(uri.AbsoluteUri + separator + "fieldManager=" + Uri.EscapeDataString(FieldManager.Name));
        }
        return base.SendAsync(request, cancellationToken);
    }
}
