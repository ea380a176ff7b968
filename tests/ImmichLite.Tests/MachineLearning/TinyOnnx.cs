using System.Text;

namespace ImmichLite.Tests.MachineLearning;

/// <summary>Writes ONNX model files (protobuf, by hand: no onnx package here) for tiny graphs with known behaviour.
/// Field numbers from onnx.proto: ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto, ValueInfoProto.</summary>
public static class TinyOnnx
{
    sealed class Pb
    {
        readonly MemoryStream _s = new();
        public byte[] Bytes => _s.ToArray();
        void Varint(ulong v) { while (v >= 0x80) { _s.WriteByte((byte)(v | 0x80)); v >>= 7; } _s.WriteByte((byte)v); }
        void Tag(int field, int wire) => Varint((ulong)((field << 3) | wire));
        public Pb Int(int field, long v) { Tag(field, 0); Varint((ulong)v); return this; }
        public Pb Float(int field, float v) { Tag(field, 5); _s.Write(BitConverter.GetBytes(v)); return this; }
        public Pb Bytes_(int field, byte[] b) { Tag(field, 2); Varint((ulong)b.Length); _s.Write(b); return this; }
        public Pb Str(int field, string v) => Bytes_(field, Encoding.UTF8.GetBytes(v));
        public Pb Msg(int field, Pb m) => Bytes_(field, m.Bytes);
    }

    public sealed record Node(string Op, string[] Inputs, string[] Outputs, (string Name, object Value)[]? Attributes = null);
    public sealed record Tensor(string Name, int DataType, long[] Dims, byte[] Raw);
    public sealed record Io(string Name, int ElemType, object[] Dims); // dims: long (fixed) or string (symbolic)

    public const int Float = 1, Int32Type = 6, Int64Type = 7;

    public static Tensor Floats(string name, long[] dims, float[] data) =>
        new(name, Float, dims, data.SelectMany(BitConverter.GetBytes).ToArray());
    public static Tensor Ints(string name, long[] dims, int[] data) =>
        new(name, Int32Type, dims, data.SelectMany(BitConverter.GetBytes).ToArray());

    public static byte[] Model(IEnumerable<Node> nodes, IEnumerable<Tensor> initializers, Io[] inputs, Io[] outputs, int opset = 17)
    {
        var g = new Pb();
        var n = 0;
        foreach (var node in nodes)
        {
            var m = new Pb();
            foreach (var i in node.Inputs) m.Str(1, i);
            foreach (var o in node.Outputs) m.Str(2, o);
            m.Str(3, $"n{n++}").Str(4, node.Op);
            foreach (var (name, value) in node.Attributes ?? [])
            {
                var a = new Pb().Str(1, name);
                switch (value)
                {
                    case long[] ints: foreach (var v in ints) a.Int(8, v); a.Int(20, 7); break;
                    case long l: a.Int(3, l).Int(20, 2); break;
                    case int i: a.Int(3, i).Int(20, 2); break;
                    case float f: a.Float(2, f).Int(20, 1); break;
                    default: throw new ArgumentException(name);
                }
                m.Msg(5, a);
            }
            g.Msg(1, m);
        }
        g.Str(2, "tiny");
        foreach (var t in initializers)
        {
            var m = new Pb();
            foreach (var d in t.Dims) m.Int(1, d);
            m.Int(2, t.DataType).Str(8, t.Name).Bytes_(9, t.Raw);
            g.Msg(5, m);
        }
        foreach (var i in inputs) g.Msg(11, ValueInfo(i));
        foreach (var o in outputs) g.Msg(12, ValueInfo(o));
        return new Pb().Int(1, 8).Str(2, "immichlite-tests").Msg(7, g).Msg(8, new Pb().Str(1, "").Int(2, opset)).Bytes;
    }

    static Pb ValueInfo(Io io)
    {
        var shape = new Pb();
        foreach (var d in io.Dims)
            shape.Msg(1, d is string p ? new Pb().Str(2, p) : new Pb().Int(1, Convert.ToInt64(d)));
        var tensor = new Pb().Int(1, io.ElemType).Msg(2, shape);
        return new Pb().Str(1, io.Name).Msg(2, new Pb().Msg(1, tensor));
    }
}
