using System.Globalization;
using System.Text;

namespace ServerPower.Sandbox.Kubernetes.Http;

/// <summary>Opaque list continuation: the first page's resourceVersion and the last key served.</summary>
public static class ContinueToken
{
    public static string Encode(long rv, string lastKey) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{rv}\n{lastKey}"));

    public static (long? Rv, string? After) Decode(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return (null, null);
        }
        try
        {
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(token)).Split('\n', 2);
            return (long.Parse(parts[0], CultureInfo.InvariantCulture), parts[1]);
        }
        catch (Exception e) when (e is FormatException or IndexOutOfRangeException or OverflowException)
        {
            throw Api.KubeStatus.BadRequest("continue key is not valid: illegal base64 data at input byte 0");
        }
    }
}
