namespace ImmichLite.Media.Thumbnails;

/// <summary>
/// ThumbHash (Evan Wallace's compact image placeholder format), written here from the published format description:
/// the image is converted to an LPQA colour space (luminance L = (r+g+b)/3, P = (r+g)/2 − b, Q = r − g, alpha A), each
/// channel is reduced to its low-frequency DCT coefficients (L gets up to 7 along the long side, P and Q 3×3, A 5×5 when
/// present), and the DC terms, per-channel scales and 4-bit quantised AC terms are packed into a few bytes. The byte
/// layout matters because the Immich apps decode it:
/// <list type="bullet">
/// <item>bytes 0–2 (24 bits, little-endian): L DC ×63 (6 bits), P DC (6), Q DC (6), L scale ×31 (5), hasAlpha (1);</item>
/// <item>bytes 3–4 (16 bits): L count along the short side (3 bits), P scale ×63 (6), Q scale ×63 (6), isLandscape (1);</item>
/// <item>byte 5 only with alpha: A DC ×15 (low nibble), A scale ×15 (high nibble);</item>
/// <item>then the AC terms of L, P, Q (and A) as nibbles, low nibble first, each mapped from [−scale, scale] to 0..15.</item>
/// </list>
/// A channel with nx × ny terms keeps coefficient (cx, cy) only when cx·ny &lt; nx·(ny − cy) (a triangle).
/// </summary>
public static class ThumbHash
{
    /// <summary>Encodes a w×h image (both 1..100) given as unpremultiplied RGBA bytes, row-major.</summary>
    public static byte[] Encode(int w, int h, ReadOnlySpan<byte> rgba)
    {
        if (w < 1 || h < 1 || w > 100 || h > 100)
            throw new ArgumentOutOfRangeException(nameof(w), $"ThumbHash input must be 1..100 px per side, got {w}x{h}");
        int n = w * h;
        if (rgba.Length < n * 4) throw new ArgumentException("rgba is shorter than w*h*4", nameof(rgba));

        // Alpha-weighted average colour (used to fill transparent pixels so they do not drag colours towards black).
        double avgR = 0, avgG = 0, avgB = 0, avgA = 0;
        for (int i = 0; i < n; i++)
        {
            double alpha = rgba[i * 4 + 3] / 255.0;
            avgR += alpha / 255.0 * rgba[i * 4];
            avgG += alpha / 255.0 * rgba[i * 4 + 1];
            avgB += alpha / 255.0 * rgba[i * 4 + 2];
            avgA += alpha;
        }
        if (avgA > 0) { avgR /= avgA; avgG /= avgA; avgB /= avgA; }

        bool hasAlpha = avgA < n;
        int lLimit = hasAlpha ? 5 : 7; // fewer luminance terms when alpha needs room
        int longSide = Math.Max(w, h);
        int lx = Math.Max(1, (int)Math.Round((double)lLimit * w / longSide, MidpointRounding.AwayFromZero));
        int ly = Math.Max(1, (int)Math.Round((double)lLimit * h / longSide, MidpointRounding.AwayFromZero));

        var l = new double[n];
        var p = new double[n];
        var q = new double[n];
        var a = new double[n];
        for (int i = 0; i < n; i++)
        {
            double alpha = rgba[i * 4 + 3] / 255.0;
            double r = avgR * (1 - alpha) + alpha / 255.0 * rgba[i * 4];
            double g = avgG * (1 - alpha) + alpha / 255.0 * rgba[i * 4 + 1];
            double b = avgB * (1 - alpha) + alpha / 255.0 * rgba[i * 4 + 2];
            l[i] = (r + g + b) / 3;
            p[i] = (r + g) / 2 - b;
            q[i] = r - g;
            a[i] = alpha;
        }

        var lCh = Dct(l, w, h, Math.Max(3, lx), Math.Max(3, ly));
        var pCh = Dct(p, w, h, 3, 3);
        var qCh = Dct(q, w, h, 3, 3);
        var aCh = hasAlpha ? Dct(a, w, h, 5, 5) : default;

        bool isLandscape = w > h;
        uint header24 = (uint)Round(63 * lCh.Dc)
                        | ((uint)Round(31.5 + 31.5 * pCh.Dc) << 6)
                        | ((uint)Round(31.5 + 31.5 * qCh.Dc) << 12)
                        | ((uint)Round(31 * lCh.Scale) << 18)
                        | ((hasAlpha ? 1u : 0u) << 23);
        uint header16 = (uint)(isLandscape ? ly : lx)
                        | ((uint)Round(63 * pCh.Scale) << 3)
                        | ((uint)Round(63 * qCh.Scale) << 9)
                        | ((isLandscape ? 1u : 0u) << 15);

        int acStart = hasAlpha ? 6 : 5;
        int acCount = lCh.Ac.Length + pCh.Ac.Length + qCh.Ac.Length + (hasAlpha ? aCh.Ac.Length : 0);
        var hash = new byte[acStart + (acCount + 1) / 2];
        hash[0] = (byte)(header24 & 255);
        hash[1] = (byte)((header24 >> 8) & 255);
        hash[2] = (byte)(header24 >> 16);
        hash[3] = (byte)(header16 & 255);
        hash[4] = (byte)(header16 >> 8);
        if (hasAlpha) hash[5] = (byte)(Round(15 * aCh.Dc) | (Round(15 * aCh.Scale) << 4));

        int acIndex = 0;
        void Pack(double[] ac)
        {
            foreach (var f in ac)
            {
                hash[acStart + (acIndex >> 1)] |= (byte)(Round(15 * f) << ((acIndex & 1) << 2));
                acIndex++;
            }
        }
        Pack(lCh.Ac); Pack(pCh.Ac); Pack(qCh.Ac);
        if (hasAlpha) Pack(aCh.Ac);
        return hash;
    }

    static int Round(double v) => (int)Math.Round(v, MidpointRounding.AwayFromZero);

    readonly record struct Channel(double Dc, double[] Ac, double Scale);

    /// <summary>Low-frequency DCT of one channel; AC terms normalised to 0..1 around 0.5 by the largest magnitude.</summary>
    static Channel Dct(double[] channel, int w, int h, int nx, int ny)
    {
        double dc = 0, scale = 0;
        var ac = new List<double>();
        var fx = new double[w];
        for (int cy = 0; cy < ny; cy++)
        {
            for (int cx = 0; cx * ny < nx * (ny - cy); cx++)
            {
                for (int x = 0; x < w; x++) fx[x] = Math.Cos(Math.PI / w * cx * (x + 0.5));
                double f = 0;
                for (int y = 0; y < h; y++)
                {
                    double fy = Math.Cos(Math.PI / h * cy * (y + 0.5));
                    int row = y * w;
                    for (int x = 0; x < w; x++) f += channel[row + x] * fx[x] * fy;
                }
                f /= w * h;
                if (cx > 0 || cy > 0) { ac.Add(f); scale = Math.Max(scale, Math.Abs(f)); }
                else dc = f;
            }
        }
        var acArr = ac.ToArray();
        if (scale > 0)
            for (int i = 0; i < acArr.Length; i++) acArr[i] = 0.5 + 0.5 / scale * acArr[i];
        return new Channel(dc, acArr, scale);
    }

    /// <summary>Aspect ratio (width / height) the hash was made from, as the decoder sees it (coarse: from term counts).</summary>
    public static double ApproximateAspectRatio(ReadOnlySpan<byte> hash)
    {
        if (hash.Length < 5) throw new ArgumentException("ThumbHash is shorter than 5 bytes", nameof(hash));
        bool hasAlpha = (hash[2] & 0x80) != 0;
        bool isLandscape = (hash[4] & 0x80) != 0;
        int lx = isLandscape ? (hasAlpha ? 5 : 7) : hash[3] & 7;
        int ly = isLandscape ? hash[3] & 7 : (hasAlpha ? 5 : 7);
        return (double)lx / ly;
    }

    /// <summary>The average colour stored in the header, each channel 0..1.</summary>
    public static (double R, double G, double B, double A) AverageRgba(ReadOnlySpan<byte> hash)
    {
        if (hash.Length < 5) throw new ArgumentException("ThumbHash is shorter than 5 bytes", nameof(hash));
        uint header = hash[0] | ((uint)hash[1] << 8) | ((uint)hash[2] << 16);
        double l = (header & 63) / 63.0;
        double p = ((header >> 6) & 63) / 31.5 - 1;
        double q = ((header >> 12) & 63) / 31.5 - 1;
        bool hasAlpha = (header >> 23) != 0;
        double a = hasAlpha ? (hash[5] & 15) / 15.0 : 1;
        var (r, g, b) = LpqToRgb(l, p, q);
        return (Clamp01(r), Clamp01(g), Clamp01(b), a);
    }

    static (double R, double G, double B) LpqToRgb(double l, double p, double q)
    {
        double b = l - 2.0 / 3.0 * p;
        double r = (3 * l - b + q) / 2;
        double g = r - q;
        return (r, g, b);
    }

    static double Clamp01(double v) => v < 0 ? 0 : v > 1 ? 1 : v;

    /// <summary>Renders the placeholder (longest side 32 px) as unpremultiplied RGBA bytes.</summary>
    public static (int Width, int Height, byte[] Rgba) ToRgba(ReadOnlySpan<byte> hash)
    {
        if (hash.Length < 5) throw new ArgumentException("ThumbHash is shorter than 5 bytes", nameof(hash));
        uint header24 = hash[0] | ((uint)hash[1] << 8) | ((uint)hash[2] << 16);
        uint header16 = hash[3] | ((uint)hash[4] << 8);
        double lDc = (header24 & 63) / 63.0;
        double pDc = ((header24 >> 6) & 63) / 31.5 - 1;
        double qDc = ((header24 >> 12) & 63) / 31.5 - 1;
        double lScale = ((header24 >> 18) & 31) / 31.0;
        bool hasAlpha = (header24 >> 23) != 0;
        double pScale = ((header16 >> 3) & 63) / 63.0;
        double qScale = ((header16 >> 9) & 63) / 63.0;
        bool isLandscape = (header16 >> 15) != 0;
        int lx = Math.Max(3, isLandscape ? (hasAlpha ? 5 : 7) : (int)(header16 & 7));
        int ly = Math.Max(3, isLandscape ? (int)(header16 & 7) : (hasAlpha ? 5 : 7));
        double aDc = hasAlpha ? (hash[5] & 15) / 15.0 : 1;
        double aScale = hasAlpha ? (hash[5] >> 4) / 15.0 : 0;

        int acStart = hasAlpha ? 6 : 5;
        int acIndex = 0;
        var bytes = hash.ToArray();
        double[] ReadChannel(int nx, int ny, double scale)
        {
            var ac = new List<double>();
            for (int cy = 0; cy < ny; cy++)
                for (int cx = cy > 0 ? 0 : 1; cx * ny < nx * (ny - cy); cx++)
                {
                    int idx = acStart + (acIndex >> 1);
                    int nibble = idx < bytes.Length ? (bytes[idx] >> ((acIndex & 1) << 2)) & 15 : 8;
                    ac.Add((nibble / 7.5 - 1) * scale);
                    acIndex++;
                }
            return ac.ToArray();
        }
        var lAc = ReadChannel(lx, ly, lScale);
        var pAc = ReadChannel(3, 3, pScale * 1.25);
        var qAc = ReadChannel(3, 3, qScale * 1.25);
        var aAc = hasAlpha ? ReadChannel(5, 5, aScale) : [];

        double ratio = ApproximateAspectRatio(hash);
        int w = (int)Math.Round(ratio > 1 ? 32 : 32 * ratio);
        int h = (int)Math.Round(ratio > 1 ? 32 / ratio : 32);
        var rgba = new byte[w * h * 4];
        int cxStop = Math.Max(lx, hasAlpha ? 5 : 3);
        int cyStop = Math.Max(ly, hasAlpha ? 5 : 3);
        var fx = new double[cxStop];
        var fy = new double[cyStop];
        for (int y = 0, i = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++, i += 4)
            {
                double l = lDc, p = pDc, q = qDc, a = aDc;
                for (int cx = 0; cx < cxStop; cx++) fx[cx] = Math.Cos(Math.PI / w * (x + 0.5) * cx);
                for (int cy = 0; cy < cyStop; cy++) fy[cy] = Math.Cos(Math.PI / h * (y + 0.5) * cy);

                for (int cy = 0, j = 0; cy < ly; cy++)
                {
                    double fy2 = fy[cy] * 2;
                    for (int cx = cy > 0 ? 0 : 1; cx * ly < lx * (ly - cy); cx++, j++) l += lAc[j] * fx[cx] * fy2;
                }
                for (int cy = 0, j = 0; cy < 3; cy++)
                {
                    double fy2 = fy[cy] * 2;
                    for (int cx = cy > 0 ? 0 : 1; cx < 3 - cy; cx++, j++)
                    {
                        double f = fx[cx] * fy2;
                        p += pAc[j] * f;
                        q += qAc[j] * f;
                    }
                }
                if (hasAlpha)
                    for (int cy = 0, j = 0; cy < 5; cy++)
                    {
                        double fy2 = fy[cy] * 2;
                        for (int cx = cy > 0 ? 0 : 1; cx < 5 - cy; cx++, j++) a += aAc[j] * fx[cx] * fy2;
                    }

                var (r, g, b) = LpqToRgb(l, p, q);
                rgba[i] = (byte)Math.Round(255 * Clamp01(r));
                rgba[i + 1] = (byte)Math.Round(255 * Clamp01(g));
                rgba[i + 2] = (byte)Math.Round(255 * Clamp01(b));
                rgba[i + 3] = (byte)Math.Round(255 * Clamp01(a));
            }
        }
        return (w, h, rgba);
    }
}
