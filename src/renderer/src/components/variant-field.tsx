/**
 * The "Variant" field of the forms that act on one variant (deploy, evaluate, export): a select
 * listing the project's variants by name, precision and, where known, file size.
 */
import type { ModelVariant } from '../../../shared/services/types.js';
import { formatVariantOption } from '../format.js';

export interface VariantFieldProps {
  variants: readonly ModelVariant[];
  value: string;
  onChange: (variantId: string) => void;
  testId: string;
  /** Show each variant's file size after its precision. */
  withSize?: boolean;
}

export function VariantField({ variants, value, onChange, testId, withSize = true }: VariantFieldProps) {
  return (
    <label className="field">
      <span className="field__label">Variant</span>
      <select className="select" value={value} onChange={(event) => onChange(event.target.value)} data-testid={testId}>
        {variants.map((variant) => (
          <option key={variant.id} value={variant.id}>
            {formatVariantOption(variant, withSize ? variant.fileBytes : undefined)}
          </option>
        ))}
      </select>
    </label>
  );
}
