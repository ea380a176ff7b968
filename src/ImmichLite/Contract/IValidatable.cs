namespace ImmichLite.Contract;

/// <summary>A contract DTO that can check itself with class-validator style messages.</summary>
public interface IValidatable
{
    /// <summary>Appends one message per failed constraint (e.g. <c>"email must be an email"</c>).</summary>
    void Validate(List<string> errors);
}
