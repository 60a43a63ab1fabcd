"""Vietnamese number formats as documents write them: 32.000 hồ sơ, 97,45%. Django's own vi locale leaves
NUMBER_GROUPING at 0, so `intcomma` would print 32000; everything else comes from Django's vi formats."""

from django.conf.locale.vi.formats import *  # noqa: F403

NUMBER_GROUPING = 3
