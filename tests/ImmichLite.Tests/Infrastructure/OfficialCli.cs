using System.Diagnostics;

namespace ImmichLite.Tests.Infrastructure;

/// <summary>Runs the official @immich/cli (3.2.2 on Node 22, installed by scripts/install-test-tools.sh).</summary>
public static class OfficialCli
{
    static string Tool(string rel)
    {
        var p = Path.Combine(TestPaths.Repo, ".cache", "test-tools", rel);
        if (!File.Exists(p)) throw new FileNotFoundException($"{p} is missing: run scripts/install-test-tools.sh (scripts/test.sh does)");
        return p;
    }

    /// <summary>Runs `immich args…` with its config in configDir; fails the test on a non-zero exit. Returns stdout+stderr.</summary>
    public static async Task<string> Run(string configDir, params string[] args)
    {
        var psi = new ProcessStartInfo(Tool("node22"), [Tool("cli/node_modules/@immich/cli/dist/index.js"), .. args])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        psi.Environment["IMMICH_CONFIG_DIR"] = configDir;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await p.WaitForExitAsync(cts.Token);
        var output = await stdout + await stderr;
        Assert.True(p.ExitCode == 0, $"immich {string.Join(' ', args)} exited {p.ExitCode}:\n{output}");
        return output;
    }
}
