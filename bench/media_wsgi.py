"""The site with its uploaded media served too, for bench/lighthouse.py: in production a
web server serves /media/, and pages measured without their images would not be
measured as readers see them."""

import os

from whitenoise import WhiteNoise

from site_config.wsgi import application as site

application = WhiteNoise(site, root=os.environ["DJANGO_MEDIA_ROOT"], prefix="media/")
