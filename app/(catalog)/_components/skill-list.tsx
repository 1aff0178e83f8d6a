/** A template's skills (its tools' badges) as small tags; a real list so screen readers announce the count. */
export function SkillList({ skills, label = "Skills" }: { skills: string[]; label?: string }) {
  if (skills.length === 0) return null;
  return (
    <ul aria-label={label} className="flex flex-wrap gap-1.5">
      {skills.map((skill) => (
        <li
          key={skill}
          className="rounded-full border border-line bg-canvas px-2.5 py-0.5 text-xs font-medium text-ink-muted"
        >
          {skill}
        </li>
      ))}
    </ul>
  );
}
